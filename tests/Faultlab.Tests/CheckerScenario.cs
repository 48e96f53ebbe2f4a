using LogBroker.Client;
using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Workload;
using LogBroker.Protocol.Compression;

namespace LogBroker.Faultlab.Tests;

/// <summary>
/// A made-up campaign outcome for the checker: two producers (0: acks=all, 1: acks=leader), one
/// partition, records placed in the final log by hand, and readers that saw what each test says.
/// </summary>
public sealed class CheckerScenario
{
    private readonly List<Ack>[] _acks = [[], []];
    private readonly long[] _next = new long[2];

    public CheckerScenario(bool singleNode = true, bool idempotent = false)
    {
        SingleNode = singleNode;
        Specs =
        [
            new ProducerSpec("all", Acks.All, Keyed: true, CompressionType.None, idempotent),
            new ProducerSpec("leader", Acks.Leader, Keyed: true, CompressionType.None, Idempotent: false),
        ];
    }

    public bool SingleNode { get; }

    public IReadOnlyList<ProducerSpec> Specs { get; }

    public List<RecordId?> Log { get; } = [];

    public ObservedRecords GroupSeen { get; } = new(1);

    public ObservedRecords TailSeen { get; } = new(1);

    public ViolationLog Violations { get; } = new();

    public Dictionary<int, long> Committed { get; } = [];

    public List<ReplicaComparison.Result> Replicas { get; } = [];

    public List<BrokerCrash> Crashes { get; } = [];

    public List<InjectedFault> Faults { get; } = [];

    /// <summary>Stores a record at the end of the log, acknowledged (or not) with the offset it got, and seen by the group.</summary>
    public RecordId Append(int producer, bool acked = true, double ackSeconds = 1)
    {
        var id = new RecordId(producer, _next[producer]++);
        Log.Add(id);
        GroupSeen.Observe(0, Log.Count - 1, id);
        if (acked)
        {
            Acknowledge(id, Log.Count - 1, ackSeconds);
        }

        return id;
    }

    public void Acknowledge(RecordId id, long offset, double ackSeconds = 1) =>
        _acks[id.Producer].Add(new Ack(id.Sequence, 0, offset, (long)(ackSeconds * 1e6) - 1000, (long)(ackSeconds * 1e6)));

    public IReadOnlyList<CheckOutcome> Check() => LogChecker.Check(Inputs());

    public CheckInputs Inputs()
    {
        var replay = new ReplayedPartition(0, Log.Count);
        replay.Records.AddRange(Log);
        var producers = Specs.Select((spec, i) => new ProducerResult(i, spec, Sent(i), _acks[i], [])).ToList();
        return new CheckInputs(producers, [replay], GroupSeen, TailSeen, Violations, new ClientReplay.Outcome(Log.Count, 0, [], null), Committed, null, Replicas, Crashes, Faults, SingleNode, GroupMembers: 1);
    }

    /// <summary>One past the highest sequence the producer used anywhere (appended, stored or acknowledged).</summary>
    private long Sent(int producer) => new[] { _next[producer] }
        .Concat(_acks[producer].Select(a => a.Sequence + 1))
        .Concat(Log.Where(r => r?.Producer == producer).Select(r => r!.Value.Sequence + 1))
        .Max();
}
