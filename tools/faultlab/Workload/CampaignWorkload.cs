using System.Diagnostics;
using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// The clients of a campaign, started together and stopped in order: the producers
/// (<see cref="ProducerSpec.Standard"/>, the rate split evenly), the members of the committing group, and
/// the tail reader. Producing stops first (and is flushed); readers then catch up to the end offsets
/// and stop. Everything they saw is kept for the checker.
/// </summary>
public sealed class CampaignWorkload : IAsyncDisposable
{
    private readonly List<ProducerWorker> _producers = [];
    private readonly List<GroupConsumerWorker> _members = [];
    private readonly LeaderRouter _router;
    private readonly TailReader _tail;
    private readonly CancellationTokenSource _stopProducing = new();
    private readonly CancellationTokenSource _stopReading = new();
    private readonly List<Task> _producing = [];
    private readonly List<Task> _reading = [];

    public CampaignWorkload(string bootstrap, TargetGuard guard, string topic, string group, int partitions, double recordsPerSecond, int recordSize, int consumers, CampaignClock clock)
    {
        guard.CheckBootstrap(bootstrap);
        GroupSeen = new ObservedRecords(partitions);
        TailSeen = new ObservedRecords(partitions);
        var specs = ProducerSpec.Standard;
        for (var i = 0; i < specs.Count; i++)
        {
            _producers.Add(new ProducerWorker(i, specs[i], bootstrap, topic, recordsPerSecond / specs.Count, recordSize, clock, Errors));
        }

        for (var i = 0; i < consumers; i++)
        {
            _members.Add(new GroupConsumerWorker(i, bootstrap, topic, group, clock, GroupSeen, Consumed, Violations, Errors));
        }

        _router = new LeaderRouter(bootstrap.Split(','), topic, guard);
        _tail = new TailReader(_router, topic, partitions, TailSeen, Violations, Errors);
    }

    public ErrorTally Errors { get; } = new();

    public ViolationLog Violations { get; } = new();

    public ObservedRecords GroupSeen { get; }

    public ObservedRecords TailSeen { get; }

    public PerSecondCounter Consumed { get; } = new();

    public LeaderRouter Router => _router;

    public int ConsumerRestarts => _members.Sum(m => m.Restarts);

    public void Start()
    {
        _producing.AddRange(_producers.Select(p => Task.Run(() => p.RunAsync(_stopProducing.Token))));
        _reading.AddRange(_members.Select(m => Task.Run(() => m.RunAsync(_stopReading.Token))));
        _reading.Add(Task.Run(() => _tail.RunAsync(_stopReading.Token)));
    }

    /// <summary>Stops producing and waits (at most <paramref name="flushTimeout"/>) for every record sent to be acknowledged or failed.</summary>
    public async Task<IReadOnlyList<ProducerResult>> StopProducingAsync(TimeSpan flushTimeout, TextWriter log)
    {
        await _stopProducing.CancelAsync();
        await Task.WhenAll(_producing);
        foreach (var producer in _producers)
        {
            if (!await producer.FlushAsync(flushTimeout))
            {
                log.WriteLine($"faultlab: producer {producer.Spec.Name} still had records in flight after {flushTimeout.TotalSeconds:F0} s");
            }
        }

        return [.. _producers.Select((p, i) => new ProducerResult(i, p.Spec, p.Log.Sent, p.Log.Acks, p.Log.Failures))];
    }

    /// <summary>Waits until the group and the tail reader have seen every partition up to its end offset; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForReadersAsync(IReadOnlyList<long> endOffsets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!CaughtUp(TailSeen, endOffsets) || (_members.Count > 0 && !CaughtUp(GroupSeen, endOffsets)))
        {
            if (waited.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    /// <summary>Stops the readers; group members commit and leave as they close.</summary>
    public async Task StopReadingAsync()
    {
        await _stopReading.CancelAsync();
        await Task.WhenAll(_reading);
    }

    /// <summary>
    /// Stops every client. After a normal stop this is quick; after an abort a broker may be down and the
    /// clients would wait out their timeouts (a producer's flush, a member's last commit): the teardown
    /// waits for them a few seconds at most, then leaves them to the process's exit.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopProducing.CancelAsync();
        await _stopReading.CancelAsync();
        await Bounded(Task.WhenAll(_producing.Concat(_reading)), TimeSpan.FromSeconds(10));
        await Bounded(Task.WhenAll(_producers.Select(p => p.DisposeAsync().AsTask())), TimeSpan.FromSeconds(5));
        _tail.Dispose();
        _router.Dispose();
        _stopProducing.Dispose();
        _stopReading.Dispose();
    }

    private static async Task Bounded(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or Grpc.Core.RpcException or LogBroker.Client.LogBrokerException)
        {
            // an abort: what did not finish in time ends with the process
        }
    }

    private static bool CaughtUp(ObservedRecords seen, IReadOnlyList<long> endOffsets) =>
        Enumerable.Range(0, endOffsets.Count).All(p => seen.End(p) >= endOffsets[p]);
}
