using BenchmarkDotNet.Attributes;
using LogBroker.Storage.Log;

namespace LogBroker.Benchmarks;

/// <summary>
/// Opening a log after an unclean stop whose active segment holds 1 GiB: the scan reads the file
/// (pread, through a pooled buffer), checks every batch's framing and CRC and rebuilds both indexes
/// (then one fsync of already-clean pages). The data is in the page cache, as after a process crash.
/// </summary>
[MemoryDiagnoser]
public class RecoveryBenchmarks
{
    private string _directory = string.Empty;
    private PartitionLog? _log;

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchLog.NewDirectory("recovery");
        var config = BenchLog.OneGiBSegments with { SegmentBytes = (1 << 30) + (1 << 20) };
        using var log = BenchLog.Open(_directory, config);
        var batch = BenchLog.Batch();
        while (log.SizeInBytes + batch.Length <= 1L << 30)
        {
            log.Append(batch, 0);
        }
    }

    [IterationCleanup]
    public void Close()
    {
        _log?.Dispose();
        _log = null;
    }

    [Benchmark(Description = "Recover 1 GiB segment")]
    public long Recover_unclean_1GiB_segment()
    {
        _log = BenchLog.Open(_directory, BenchLog.OneGiBSegments with { SegmentBytes = (1 << 30) + (1 << 20) }, clean: false);
        return _log.LogEndOffset;
    }

    [GlobalCleanup]
    public void Cleanup() => BenchLog.Delete(_directory);
}
