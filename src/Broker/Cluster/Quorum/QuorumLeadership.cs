namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>Who leads the quorum in <paramref name="Term"/> (null: nobody known), and whether that is this member.</summary>
public readonly record struct QuorumLeadership(int? LeaderId, long Term, bool IsThisMember);
