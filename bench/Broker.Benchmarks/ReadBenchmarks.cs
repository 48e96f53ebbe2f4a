using BenchmarkDotNet.Attributes;
using LogBroker.Storage.Log;

namespace LogBroker.Benchmarks;

/// <summary>
/// Sequential PartitionLog.Read over a 1 GiB log (64 KiB batches of 100-byte records), 1 MiB per
/// read as a consumer fetch would ask. "Warm" walks the returned batches' headers only: the cost of
/// locating data, since Read hands out memory over the map without touching it. "Warm + copy" also
/// copies every byte out, as serialising a fetch response does: the honest bandwidth figure.
/// "Cold" is the first read after a clean reopen, when every batch's CRC is checked once.
/// Throughput = 1 GiB / median time; allocation is per whole-log pass.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private const long LogBytes = 1L << 30;
    private string _directory = string.Empty;
    private PartitionLog _log = null!;
    private readonly byte[] _copyBuffer = new byte[2 << 20];

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchLog.NewDirectory("read");
        var config = BenchLog.OneGiBSegments with { SegmentBytes = (1 << 30) + (1 << 20) };
        _log = BenchLog.Open(_directory, config);
        var batch = BenchLog.Batch();
        while (_log.SizeInBytes + batch.Length <= LogBytes)
        {
            _log.Append(batch, 0);
        }

        _log.UpdateHighWatermark(_log.LogEndOffset);
    }

    [IterationSetup(Target = nameof(Read_1GiB_log_cold_first_read_checks_crcs))]
    public void Reopen()
    {
        var config = _log.Config;
        _log.Dispose();
        _log = BenchLog.Open(_directory, config);
    }

    [Benchmark(Description = "Read 1 GiB, warm")]
    public long Read_1GiB_log_sequentially() => ReadAll();

    [Benchmark(Description = "Read 1 GiB, warm + copy out")]
    public long Read_1GiB_log_and_copy_every_byte()
    {
        long offset = 0;
        long copied = 0;
        var end = _log.HighWatermark;
        var buffer = _copyBuffer;
        while (offset < end)
        {
            using var read = _log.Read(offset, 1 << 20);
            read.Records.Span.CopyTo(buffer);
            copied += read.Records.Length;
            offset = NextOffset(read.Records.Span);
        }

        return copied;
    }

    [Benchmark(Description = "Read 1 GiB, cold (CRC on first read)")]
    public long Read_1GiB_log_cold_first_read_checks_crcs() => ReadAll();

    private long ReadAll()
    {
        long offset = 0;
        long touched = 0;
        var end = _log.HighWatermark;
        while (offset < end)
        {
            using var read = _log.Read(offset, 1 << 20);
            var bytes = read.Records.Span;
            var position = 0;
            while (position < bytes.Length)
            {
                LogBroker.Protocol.Batches.RecordBatch.TryReadFraming(bytes[position..], out var baseOffset, out var framedSize);
                var size = (int)framedSize;
                touched += bytes[position + size - 1];
                offset = baseOffset + new LogBroker.Protocol.Batches.RecordBatch(bytes[position..]).LastOffsetDelta + 1;
                position += size;
            }
        }

        return touched + offset;
    }

    private static long NextOffset(ReadOnlySpan<byte> batches)
    {
        long next = 0;
        while (!batches.IsEmpty)
        {
            var batch = new LogBroker.Protocol.Batches.RecordBatch(batches);
            next = batch.NextOffset;
            batches = batches[batch.SizeInBytes..];
        }

        return next;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.Dispose();
        BenchLog.Delete(_directory);
    }
}
