using System.Buffers;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The quorum's side of the <see cref="IMetadataStateMachine"/>: what has been applied, and the one
/// lock that every call into the state machine takes, so a snapshot is always cut at exactly one index.
/// It outlives the engine objects: when the watchdog rebuilds the member over the same log, the log
/// replays from its last snapshot and the entries this process already applied are passed over, so each
/// entry reaches the state machine once per process lifetime. Called from the engine's apply loop
/// (one at a time); the indexes are read from any thread.
/// </summary>
internal sealed class MetadataApplier(IMetadataStateMachine target)
{
    private readonly Lock _lock = new();
    private long _appliedIndex;
    private long _snapshotIndex;
    private Exception? _fault;

    /// <summary>Last log index applied, engine-internal entries (term starts, membership) included.</summary>
    public long AppliedIndex => Volatile.Read(ref _appliedIndex);

    /// <summary>Index of the newest snapshot written, restored or found on disk.</summary>
    public long SnapshotIndex => Volatile.Read(ref _snapshotIndex);

    /// <summary>What the state machine threw, if it did; the watchdog restarts the member on it.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Applies a committed entry, then settles its proposal if this member proposed it. False when the entry was applied before.</summary>
    public bool Apply(long index, long term, in ReadOnlySequence<byte> payload, object? context)
    {
        lock (_lock)
        {
            if (index <= _appliedIndex)
            {
                return false;
            }

            try
            {
                ApplyToTarget(index, payload);
            }
            catch (Exception e)
            {
                Volatile.Write(ref _fault, e);
                throw;
            }

            Volatile.Write(ref _appliedIndex, index);
        }

        (context as Proposal)?.OnApplied(index, term);
        return true;
    }

    /// <summary>Moves past an engine-internal entry; a proposal riding on that index was overwritten.</summary>
    public void Skip(long index, long term, object? context)
    {
        lock (_lock)
        {
            if (index > _appliedIndex)
            {
                Volatile.Write(ref _appliedIndex, index);
            }
        }

        (context as Proposal)?.OnApplied(index, term);
    }

    /// <summary>The snapshot file's bytes for the state as applied up to now (the apply loop calls this right after the entry it is named after).</summary>
    public byte[] CaptureSnapshot()
    {
        lock (_lock)
        {
            var payload = new ArrayBufferWriter<byte>();
            target.WriteSnapshot(payload);
            var file = new byte[MetadataSnapshotFile.HeaderSize + payload.WrittenCount];
            MetadataSnapshotFile.WriteHeader(file, _appliedIndex, payload.WrittenSpan);
            payload.WrittenSpan.CopyTo(file.AsSpan(MetadataSnapshotFile.HeaderSize));
            Volatile.Write(ref _snapshotIndex, _appliedIndex);
            return file;
        }
    }

    /// <summary>
    /// Installs a snapshot read from disk or sent by the leader. One this process has already passed
    /// (after an in-process restart) only records its index: the state already holds it.
    /// </summary>
    public void Restore(long index, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            if (index > _appliedIndex)
            {
                target.RestoreSnapshot(index, payload);
                Volatile.Write(ref _appliedIndex, index);
            }

            if (index > _snapshotIndex)
            {
                Volatile.Write(ref _snapshotIndex, index);
            }
        }
    }

    /// <summary>Forgets a fault once the member has been rebuilt, so the entry is tried again.</summary>
    public void ClearFault() => Volatile.Write(ref _fault, null);

    private void ApplyToTarget(long index, in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            target.Apply(index, payload.FirstSpan);
            return;
        }

        var length = checked((int)payload.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(buffer);
            target.Apply(index, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
