using BenchmarkDotNet.Attributes;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Wire;

namespace LogBroker.Benchmarks;

/// <summary>The broker's produce-path check of a 64 KiB batch of 100-byte records, and CRC32C alone.</summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private byte[] _batch = [];

    [GlobalSetup]
    public void Setup() => _batch = BenchLog.Batch();

    [Benchmark(Description = "Validate 64 KiB batch (CRC + every record)")]
    public bool Validate_64KiB_batch() => RecordBatchValidator.Validate(_batch, int.MaxValue, BatchValidationMode.Produce, out _).IsValid;

    [Benchmark(Description = "CRC32C of 64 KiB")]
    public uint Crc32C_64KiB() => Crc32C.Compute(_batch);
}
