namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// One entry proposed by <see cref="RaftMetadataQuorum.ReplicateAsync"/>, riding along as the engine's
/// per-entry context until the entry is applied. The engine keys contexts by log index and does not
/// drop them when a new leader overwrites an uncommitted tail, so the entry applied at that index may be
/// another leader's: only an entry of the proposing term is ours (two entries with the same index and
/// term are the same entry in Raft).
/// </summary>
internal sealed class Proposal(long term)
{
    private readonly TaskCompletionSource<long> _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The leader term the entry was written in.</summary>
    public long Term { get; } = term;

    /// <summary>Completes with the entry's index once applied, or faults if another leader's entry took its place.</summary>
    public Task<long> Applied => _applied.Task;

    /// <summary>Called by the apply path (one thread) with the entry found at the proposal's index.</summary>
    public void OnApplied(long index, long entryTerm)
    {
        if (entryTerm == Term)
        {
            _applied.TrySetResult(index);
        }
        else
        {
            _applied.TrySetException(new NotQuorumLeaderException(
                null, $"the entry proposed in term {Term} was replaced at index {index} by an entry of term {entryTerm}; it was not committed"));
        }
    }
}
