using BenchmarkDotNet.Attributes;
using LogBroker.Storage.Segments;

namespace LogBroker.Benchmarks;

/// <summary>OffsetIndex.Lookup on a full 10 MiB index (1,310,720 entries): random targets, binary search over the map.</summary>
[MemoryDiagnoser]
public class IndexLookupBenchmarks
{
    private const int Lookups = 1024;
    private string _directory = string.Empty;
    private OffsetIndex _index = null!;
    private long[] _targets = [];

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchLog.NewDirectory("index");
        _index = new OffsetIndex(Path.Combine(_directory, "0.index"), 0, 10 * 1024 * 1024, writable: true);
        for (var i = 0; !_index.IsFull; i++)
        {
            _index.Append((i * 40L) + 1, (i * 800) + 1);
        }

        var random = new Random(3);
        _targets = Enumerable.Range(0, Lookups).Select(_ => random.NextInt64(_index.Entries * 40L)).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Lookups, Description = "Offset index lookup")]
    public int Lookup_random_offset_in_full_index()
    {
        var sum = 0;
        foreach (var target in _targets)
        {
            sum += _index.Lookup(target).Position;
        }

        return sum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index.Dispose();
        BenchLog.Delete(_directory);
    }
}
