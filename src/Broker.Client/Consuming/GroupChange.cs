using LogBroker.Protocol;

namespace LogBroker.Client.Consuming;

/// <summary>
/// A change of ownership the coordinator asked for, waiting for the consuming thread to apply it
/// (revoke first, then take on), so no record of a revoked partition is handed out after the
/// revocation callback ran. The membership loop waits on <see cref="Applied"/>.
/// </summary>
internal sealed class GroupChange(IReadOnlyList<TopicPartition> revoke, IReadOnlyList<TopicPartition> assign, bool lost)
{
    private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<TopicPartition> Revoke { get; } = revoke;

    public IReadOnlyList<TopicPartition> Assign { get; } = assign;

    /// <summary>True when the partitions were taken away (fenced) rather than handed back: nothing may be committed for them.</summary>
    public bool Lost { get; } = lost;

    public Task Applied => _applied.Task;

    public void MarkApplied() => _applied.TrySetResult();
}
