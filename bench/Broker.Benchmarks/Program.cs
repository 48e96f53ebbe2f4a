using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace LogBroker.Benchmarks;

/// <summary>
/// Runs the benchmarks in process (no generated project), 3 warm-ups and 10 measured iterations,
/// with median, min and max beside the mean: the write-ups quote medians, which a shared machine's
/// occasional slow iteration moves less. Pick with BenchmarkDotNet's usual filters, e.g.
/// <c>--filter *Append*</c>.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10))
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
