using LogBroker.Storage.Segments;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// A crash at any point of the cleaner's swap: the cleaner is stopped at that point (its test hook
/// leaves files and references exactly as a killed process would), the log is abandoned and opened
/// again, and it must hold every latest value, each record at its own offset, nothing twice.
/// </summary>
public class CleanerCrashTests
{
    private static readonly string Base = SegmentFiles.FileName(0, string.Empty);

    [Theory]
    [InlineData(nameof(SegmentSwap.Stage.CleanedWritten), 1)]
    [InlineData(nameof(SegmentSwap.Stage.CleanedWritten), 2)]
    [InlineData(nameof(SegmentSwap.Stage.SwapRenamed), 1)]
    [InlineData(nameof(SegmentSwap.Stage.SwapRenamed), 2)]
    [InlineData(nameof(SegmentSwap.Stage.OldSegmentsDeleted), 1)]
    [InlineData(nameof(SegmentSwap.Stage.OldSegmentsDeleted), 2)]
    public void A_crash_at_any_step_of_a_swap_loses_nothing(string stageName, int group)
    {
        var stage = Enum.Parse<SegmentSwap.Stage>(stageName);
        using var c = Filled();
        var swapBase = c.Log.Segments[group - 1].BaseOffset;

        Halt(c, stage, group);

        var files = FileNames(c);
        var name = SegmentFiles.FileName(swapBase, string.Empty);
        switch (stage)
        {
            case SegmentSwap.Stage.CleanedWritten:
                Assert.Contains($"{name}.log.cleaned", files);
                Assert.Contains($"{name}.index.cleaned", files);
                Assert.Contains($"{name}.timeindex.cleaned", files);
                Assert.Contains($"{name}.log", files);
                break;
            case SegmentSwap.Stage.SwapRenamed:
                Assert.Contains($"{name}.log.swap", files);
                Assert.Contains($"{name}.index.swap", files);
                Assert.Contains($"{name}.timeindex.swap", files);
                Assert.Contains($"{name}.log", files);
                Assert.DoesNotContain(files, f => f.EndsWith(".cleaned", StringComparison.Ordinal));
                break;
            case SegmentSwap.Stage.OldSegmentsDeleted:
                Assert.Contains($"{name}.log.swap", files);
                Assert.Contains($"{name}.log.deleted", files);
                Assert.DoesNotContain($"{name}.log", files);
                break;
        }

        c.H.CrashAndReopen();

        AssertRecovered(c);
    }

    [Fact]
    public void A_crash_between_the_final_renames_of_a_swap_loses_nothing()
    {
        using var c = Filled();
        Halt(c, SegmentSwap.Stage.OldSegmentsDeleted, 1);

        // The indexes take their final names before the log does.
        File.Move(c.H.SegmentFile(0, ".index.swap"), c.H.SegmentFile(0, ".index"));
        File.Move(c.H.SegmentFile(0, ".timeindex.swap"), c.H.SegmentFile(0, ".timeindex"));
        Assert.Contains($"{Base}.log.swap", FileNames(c));

        c.H.CrashAndReopen();

        AssertRecovered(c);
    }

    [Fact]
    public void A_crash_between_the_renames_to_swap_undoes_the_swap()
    {
        using var c = Filled();
        var before = c.ReadAll();
        Halt(c, SegmentSwap.Stage.CleanedWritten, 1);

        // The indexes are renamed .swap before the log: without a .log.swap the swap was never decided.
        File.Move(c.H.SegmentFile(0, ".index.cleaned"), c.H.SegmentFile(0, ".index.swap"));
        File.Move(c.H.SegmentFile(0, ".timeindex.cleaned"), c.H.SegmentFile(0, ".timeindex.swap"));

        c.H.CrashAndReopen();

        Assert.Equal(before, c.ReadAll());
        AssertRecovered(c);
    }

    [Fact]
    public void A_clean_reopen_after_a_completed_cleaning_serves_the_cleaned_segments()
    {
        using var c = Filled();
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        var cleaned = c.AssertConsistent();

        c.H.ReopenClean();

        Assert.Equal(cleaned, c.AssertConsistent());
        Assert.DoesNotContain(FileNames(c), f => f.EndsWith(".swap", StringComparison.Ordinal) || f.EndsWith(".cleaned", StringComparison.Ordinal) || f.EndsWith(".deleted", StringComparison.Ordinal));
    }

    private static CleanerHarness Filled()
    {
        var c = new CleanerHarness();
        c.FillSegments(sealedSegments: 8, keySpace: 30, new Random(21));
        return c;
    }

    /// <summary>Runs a cleaning that stops at <paramref name="stage"/> of the swap of group number <paramref name="group"/>.</summary>
    private static void Halt(CleanerHarness c, SegmentSwap.Stage stage, int group)
    {
        var seen = 0;
        c.Cleaner.HaltAt = s => s == stage && ++seen == group;
        var stats = c.Cleaner.TryCleanLog(c.Log);
        Assert.NotNull(stats);
        Assert.True(stats.Halted, $"the cleaning never reached {stage} of group {group}");
        Assert.Null(c.Cleaner.FirstDirtyOffset(LogHarness.Partition)); // an unfinished cleaning moves no checkpoint
    }

    private static void AssertRecovered(CleanerHarness c)
    {
        Assert.DoesNotContain(FileNames(c), f => f.EndsWith(".swap", StringComparison.Ordinal) || f.EndsWith(".cleaned", StringComparison.Ordinal) || f.EndsWith(".deleted", StringComparison.Ordinal));
        c.AssertConsistent();

        // A restarted cleaner starts again from the checkpoint that was never moved, and finishes.
        c.RestartCleaner();
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        var records = c.AssertConsistent();
        CleanerHarness.AssertEachKeyOnceBelow(records, c.Log.Segments[^1].BaseOffset);
    }

    private static List<string> FileNames(CleanerHarness c) => [.. Directory.GetFiles(c.H.Path).Select(f => Path.GetFileName(f))];
}
