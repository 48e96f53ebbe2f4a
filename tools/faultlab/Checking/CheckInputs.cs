using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Workload;

namespace LogBroker.Faultlab.Checking;

/// <summary>Everything the checker judges, gathered once the faults have healed, producing is over and the brokers have stopped.</summary>
public sealed record CheckInputs(
    IReadOnlyList<ProducerResult> Producers,
    IReadOnlyList<ReplayedPartition> Replay,
    ObservedRecords GroupSeen,
    ObservedRecords TailSeen,
    ViolationLog Violations,
    ClientReplay.Outcome ClientReplay,
    IReadOnlyDictionary<int, long> CommittedOffsets,
    string? CommittedOffsetsProblem,
    IReadOnlyList<ReplicaComparison.Result> Replicas,
    IReadOnlyList<BrokerCrash> Crashes,
    IReadOnlyList<InjectedFault> Faults,
    bool SingleNode,
    int GroupMembers);
