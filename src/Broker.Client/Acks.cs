namespace LogBroker.Client;

/// <summary>When the broker acknowledges a produce.</summary>
public enum Acks
{
    /// <summary>Never: fastest, and a lost batch goes unnoticed.</summary>
    None,

    /// <summary>Once the partition leader has appended it.</summary>
    Leader,

    /// <summary>Once every in-sync replica has it (<c>min.insync.replicas</c> applies).</summary>
    All,
}
