using BenchmarkDotNet.Attributes;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Wire;

namespace LogBroker.Benchmarks;

/// <summary>
/// The broker's produce-path check of a 64 KiB batch of 100-byte records (uncompressed, and the
/// same records as one LZ4 batch, expanded and walked), and CRC32C alone.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private byte[] _batch = [];
    private byte[] _lz4Batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _batch = BenchLog.Batch();
        _lz4Batch = BenchLog.Lz4Batch();
    }

    [Benchmark(Description = "Validate 64 KiB batch (CRC + every record)")]
    public bool Validate_64KiB_batch() => RecordBatchValidator.Validate(_batch, int.MaxValue, BatchValidationMode.Produce, out _).IsValid;

    [Benchmark(Description = "Validate 64 KiB LZ4 batch (CRC + expand + every record)")]
    public bool Validate_64KiB_lz4_batch() => RecordBatchValidator.Validate(_lz4Batch, 1 << 20, BatchValidationMode.Produce, out _).IsValid;

    [Benchmark(Description = "CRC32C of 64 KiB")]
    public uint Crc32C_64KiB() => Crc32C.Compute(_batch);
}
