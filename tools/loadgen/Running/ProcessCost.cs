using System.Diagnostics;

namespace LogBroker.Loadgen.Running;

/// <summary>
/// The whole process's CPU time (user and system, all threads) and managed bytes allocated so far. In
/// consume mode the process does nothing but consume, so the difference over the replay, per record,
/// is the consumer's cost: the client library's fetching and decoding included.
/// </summary>
public readonly record struct ProcessCost(TimeSpan Cpu, long AllocatedBytes)
{
    public static ProcessCost Now()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessCost(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true));
    }

    public static ProcessCost operator -(ProcessCost end, ProcessCost start) => new(end.Cpu - start.Cpu, end.AllocatedBytes - start.AllocatedBytes);
}
