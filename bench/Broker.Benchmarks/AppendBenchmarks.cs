using BenchmarkDotNet.Attributes;
using LogBroker.Protocol.Batches;
using LogBroker.Storage.Log;

namespace LogBroker.Benchmarks;

/// <summary>
/// PartitionLog.Append of one 64 KiB batch of 100-byte records into the page cache (no fsync):
/// validation (CRC and every record), offset stamping, one gather pwrite, indexing.
/// Throughput = 65,502 bytes / median time. The LZ4 case appends the same number of records
/// (about 64 KiB before compression) as one LZ4 batch: validation also expands the records section
/// into a pooled buffer and walks it. The log is emptied every ~256 MiB, inside the measured
/// method (amortised) rather than in an iteration clean-up, which would force one invocation per
/// iteration and leave the code on tier-0 JIT.
/// <para>
/// The idempotent case appends the same records as 1,024 batches of one producer with consecutive
/// sequences, checked against its state (five-batch ring, dedupe, sequence and epoch rules); the log
/// is emptied at the start of every invocation (which also forgets the producer), so the sequences
/// start again at 0. The retry case sends a batch already stored: validated, found to be a duplicate,
/// answered with its offsets, nothing written.
/// </para>
/// </summary>
[MemoryDiagnoser]
[WarmupCount(8)]
[IterationCount(15)]
public class AppendBenchmarks
{
    private const int BatchesPerInvoke = 1024; // 64 MiB per invocation
    private string _directory = string.Empty;
    private PartitionLog _log = null!;
    private ReadOnlyMemory<byte> _batch;
    private ReadOnlyMemory<byte> _lz4Batch;
    private ReadOnlyMemory<byte>[] _idempotentBatches = [];
    private string _retryDirectory = string.Empty;
    private PartitionLog _retryLog = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchLog.NewDirectory("append");
        _log = BenchLog.Open(_directory, BenchLog.OneGiBSegments);
        _batch = BenchLog.Batch();
        _lz4Batch = BenchLog.Lz4Batch();
        _idempotentBatches = new ReadOnlyMemory<byte>[BatchesPerInvoke];
        var records = new RecordBatch(_batch.Span).RecordsCount;
        for (var i = 0; i < BatchesPerInvoke; i++)
        {
            _idempotentBatches[i] = BenchLog.Batch(producer: new BatchProducerFields(1, 0, i * records));
        }

        _retryDirectory = BenchLog.NewDirectory("append-retry");
        _retryLog = BenchLog.Open(_retryDirectory, BenchLog.OneGiBSegments);
        _retryLog.Append(_idempotentBatches[0], leaderEpoch: 0);
    }

    [Benchmark(OperationsPerInvoke = BatchesPerInvoke, Description = "Append 64 KiB batch")]
    public long Append_64KiB_batch_of_100_byte_records() => AppendMany(_batch);

    [Benchmark(OperationsPerInvoke = BatchesPerInvoke, Description = "Append 64 KiB LZ4 batch")]
    public long Append_64KiB_lz4_batch_of_100_byte_records() => AppendMany(_lz4Batch);

    [Benchmark(OperationsPerInvoke = BatchesPerInvoke, Description = "Append 64 KiB idempotent batch")]
    public long Append_64KiB_idempotent_batch_of_100_byte_records()
    {
        _log.TruncateFullyAndStartAt(0);
        long last = 0;
        foreach (var batch in _idempotentBatches)
        {
            last = _log.Append(batch, leaderEpoch: 0).LastOffset;
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = BatchesPerInvoke, Description = "Retry of a stored 64 KiB idempotent batch")]
    public long Retry_of_a_stored_64KiB_idempotent_batch()
    {
        long first = 0;
        for (var i = 0; i < BatchesPerInvoke; i++)
        {
            first += _retryLog.Append(_idempotentBatches[0], leaderEpoch: 0).FirstOffset;
        }

        return first;
    }

    private long AppendMany(ReadOnlyMemory<byte> batch)
    {
        if (_log.SizeInBytes > 256 << 20)
        {
            _log.TruncateFullyAndStartAt(0); // bounded disk use; deleted files leave no dirty pages behind
        }

        long last = 0;
        for (var i = 0; i < BatchesPerInvoke; i++)
        {
            last = _log.Append(batch, leaderEpoch: 0).LastOffset;
        }

        return last;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.Dispose();
        BenchLog.Delete(_directory);
        _retryLog.Dispose();
        BenchLog.Delete(_retryDirectory);
    }
}
