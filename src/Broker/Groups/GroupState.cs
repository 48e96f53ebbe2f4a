namespace LogBroker.Broker.Groups;

/// <summary>A group's state as operators see it.</summary>
public enum GroupState
{
    /// <summary>No members (offsets may remain).</summary>
    Empty,

    /// <summary>Some member has not converged to its target assignment yet.</summary>
    Reconciling,

    /// <summary>Every member owns exactly its target assignment.</summary>
    Stable,
}
