using BenchmarkDotNet.Attributes;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;

namespace LogBroker.Benchmarks;

/// <summary>
/// The client's batching path: encoding 100-byte records into a reused builder and sealing a
/// 64 KiB batch, with and without LZ4. Reported per record.
/// </summary>
[MemoryDiagnoser]
public class BatchBuildBenchmarks
{
    private readonly byte[] _value = new byte[100];
    private readonly byte[] _key = new byte[8];
    private readonly RecordBatchBuilder _plain = new(CompressionType.None, 80 * 1024);
    private readonly RecordBatchBuilder _lz4 = new(CompressionType.Lz4, 80 * 1024);

    [Params(CompressionType.None, CompressionType.Lz4)]
    public CompressionType Compression { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        new Random(5).NextBytes(_value.AsSpan(0, 50)); // half random, half zero: compressible like real payloads
    }

    /// <summary>560 records appended and the batch sealed: time per record.</summary>
    [Benchmark(OperationsPerInvoke = 560, Description = "Append record + seal (per record)")]
    public int Build_64KiB_batch_per_record()
    {
        var builder = Compression == CompressionType.None ? _plain : _lz4;
        builder.Reset();
        for (var i = 0; i < 560; i++)
        {
            builder.Append(1_700_000_000_000 + i, _key, _value);
        }

        return builder.Build().Length;
    }
}
