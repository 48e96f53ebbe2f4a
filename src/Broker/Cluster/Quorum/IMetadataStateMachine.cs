using System.Buffers;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// What the quorum applies committed entries to (the broker's metadata image). Called by one thread
/// at a time, in index order; an entry is applied exactly once per process lifetime (after a restart,
/// from the last snapshot on).
/// </summary>
public interface IMetadataStateMachine
{
    /// <summary>
    /// Applies one committed entry. Must not throw for well-formed entries; an exception here stops the
    /// member's apply loop until the quorum rebuilds the member, which then offers the same entry again.
    /// </summary>
    void Apply(long index, ReadOnlySpan<byte> entry);

    /// <summary>Writes everything applied so far (up to the last applied index) as one snapshot.</summary>
    void WriteSnapshot(IBufferWriter<byte> output);

    /// <summary>Replaces the whole state with a snapshot taken at <paramref name="index"/> (at start-up, or when a leader sends one).</summary>
    void RestoreSnapshot(long index, ReadOnlySpan<byte> snapshot);
}
