using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The engine's state machine: hands committed entries to the <see cref="MetadataApplier"/> and lets
/// DotNext's <see cref="SimpleStateMachine"/> keep the snapshot files (one per index, written to a
/// temporary file, flushed and renamed; older ones reclaimed) under <c>metadata/snapshots</c>. One per
/// engine incarnation; the applier it feeds outlives it.
/// </summary>
internal sealed class SnapshottingStateMachine(DirectoryInfo snapshots, MetadataApplier applier, long snapshotInterval)
    : SimpleStateMachine(snapshots)
{
    // The snapshot cut by the apply loop at the entry SimpleStateMachine names it after. SimpleStateMachine
    // writes it later on another thread, while the next entries apply, so the writer must not read the
    // live state; it takes these bytes instead. One snapshot is in flight at a time: the next apply first
    // waits for the previous write to finish.
    private byte[]? _pendingSnapshot;

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        // DotNext 6.12's WAL never passes a new term's empty entry here (it skips entries without a
        // payload), and once its configuration storage has taken a membership entry it passes that entry
        // on stripped of its payload. Neither is for the metadata state machine.
        if (entry.IsConfiguration || !entry.TryGetPayload(out var payload) || payload.IsEmpty)
        {
            applier.Skip(entry.Index, entry.Term, entry.Context);
            return ValueTask.FromResult(false);
        }

        if (!applier.Apply(entry.Index, entry.Term, payload, entry.Context)
            || entry.Index - applier.SnapshotIndex < snapshotInterval)
        {
            return ValueTask.FromResult(false);
        }

        Volatile.Write(ref _pendingSnapshot, applier.CaptureSnapshot());
        return ValueTask.FromResult(true);
    }

    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        var snapshot = Interlocked.Exchange(ref _pendingSnapshot, null)
            ?? throw new InvalidOperationException("the engine asked for a metadata snapshot that the apply loop did not cut");
        return writer.WriteAsync(snapshot, lengthFormat: null, token);
    }

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        var bytes = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        var (index, payload) = MetadataSnapshotFile.Parse(bytes, snapshotFile.FullName);
        applier.Restore(index, payload.Span);
    }
}
