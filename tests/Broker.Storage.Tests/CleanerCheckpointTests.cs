using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Cleaner;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>The cleaner's checkpoint file: changes land in order, and nobody waits for the disk but the writers.</summary>
public class CleanerCheckpointTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Readers_and_truncations_do_not_wait_for_a_checkpoint_write_in_progress()
    {
        using var directory = new TempDirectory("checkpoint");
        var checkpoint = CleanerCheckpoint.Load(directory.Path, NullLogger.Instance);
        var (cleaned, other) = (new TopicPartition("t", 0), new TopicPartition("t", 1));
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        checkpoint.BeforeWrite = () =>
        {
            writing.Set();
            release.Wait();
        };

        var advance = Task.Run(() => checkpoint.TryAdvance(cleaned, 42, truncationCountAtStart: 0));
        Assert.True(writing.Wait(Generous), "the write never started");
        var read = Task.Run(() =>
        {
            checkpoint.Truncate(other, 0); // counts the truncation; nothing to write
            return (checkpoint.FirstDirtyOffset(cleaned), checkpoint.TruncationCount(other));
        });
        (long? FirstDirty, int Truncations)? seen = null;
        try
        {
            seen = await read.WaitAsync(Generous);
        }
        catch (TimeoutException)
        {
            // the reader is stuck behind the write: reported below, once the write is let go
        }

        release.Set();

        Assert.True(seen is not null, "a reader waited for the checkpoint file to be written");
        Assert.Equal((42L, 1), seen.Value);
        Assert.True(await advance);
        Assert.Equal(42, OffsetCheckpointFile.Read(Path.Combine(directory.Path, CleanerCheckpoint.FileName))[cleaned]);
    }

    [Fact]
    public async Task Concurrent_changes_all_reach_the_file_and_the_last_one_wins()
    {
        using var directory = new TempDirectory("checkpoint");
        var checkpoint = CleanerCheckpoint.Load(directory.Path, NullLogger.Instance);
        const int Writers = 4;
        const int Changes = 200;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 1; i <= Changes; i++)
            {
                Assert.True(checkpoint.TryAdvance(new TopicPartition("t", w), i, truncationCountAtStart: 0));
            }
        })));

        var file = OffsetCheckpointFile.Read(Path.Combine(directory.Path, CleanerCheckpoint.FileName));
        Assert.Equal(Enumerable.Range(0, Writers).ToDictionary(w => new TopicPartition("t", w), _ => (long)Changes), file);
        var reloaded = CleanerCheckpoint.Load(directory.Path, NullLogger.Instance);
        Assert.All(file, kv => Assert.Equal(kv.Value, reloaded.FirstDirtyOffset(kv.Key)));
    }
}
