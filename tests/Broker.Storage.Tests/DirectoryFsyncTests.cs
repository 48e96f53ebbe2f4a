using System.Collections.Concurrent;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Durability;
using LogBroker.Storage.Segments;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>Files created or renamed by the log have their directory fsynced, so their names survive a power failure.</summary>
public sealed class DirectoryFsyncTests : IDisposable
{
    private readonly ConcurrentQueue<string> _flushed = new();

    public DirectoryFsyncTests() => DirectoryFsync.Flushed += _flushed.Enqueue;

    public void Dispose() => DirectoryFsync.Flushed -= _flushed.Enqueue;

    private bool WasFlushed(string directory) =>
        _flushed.Contains(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    [Fact]
    public void Flushing_an_existing_directory_succeeds_and_a_missing_one_is_an_io_error()
    {
        using var dir = new TempDirectory("fsync");

        DirectoryFsync.Flush(dir.Path);

        Assert.True(WasFlushed(dir.Path) || OperatingSystem.IsWindows());
        if (!OperatingSystem.IsWindows())
        {
            Assert.ThrowsAny<IOException>(() => DirectoryFsync.Flush(dir.Combine("missing")));
        }
    }

    [Fact]
    public void Rolling_a_segment_fsyncs_the_partition_directory()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no directory fsync there
        }

        using var h = new LogHarness(LogHarness.Small(segmentBytes: 4096));
        h.Append(1);
        _flushed.Clear();

        while (h.Log.SegmentCount == 1)
        {
            h.Append(3, valueSize: 100);
        }

        Assert.True(WasFlushed(h.Path), "the roll created segment files without fsyncing their directory");
    }

    [Fact]
    public void A_new_partition_directory_is_made_durable_in_its_parent()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no directory fsync there
        }


        using var h = new LogHarness();

        Assert.True(WasFlushed(h.Directory.Path), "the partition directory's entry in the data directory was not fsynced");
        Assert.True(WasFlushed(h.Path), "the first segment's files were not fsynced into the partition directory");
    }

    [Fact]
    public void An_atomic_file_replacement_fsyncs_its_directory_after_the_rename()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no directory fsync there
        }

        using var dir = new TempDirectory("fsync");

        AtomicFile.WriteText(dir.Combine("recovery-point-offset-checkpoint"), "0\n0\n");

        Assert.True(WasFlushed(dir.Path));
        Assert.Equal("0\n0\n", File.ReadAllText(dir.Combine("recovery-point-offset-checkpoint")));
    }

    [Fact]
    public void Renaming_a_cleaned_segment_into_place_fsyncs_its_directory()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no directory fsync there
        }

        using var dir = new TempDirectory("fsync");
        var segment = Segment.CreateNew(dir.Path, 0, LogHarness.Small(), 0, SegmentFiles.CleanedSuffix);
        _flushed.Clear();

        segment.ChangeFileSuffix(string.Empty);

        Assert.True(WasFlushed(dir.Path));
        segment.Close();
    }
}
