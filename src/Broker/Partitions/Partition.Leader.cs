using System.Collections.Immutable;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;

namespace LogBroker.Broker.Partitions;

/// <summary>The leader's side: appends, follower progress, the high watermark, ISR proposals.</summary>
public sealed partial class Partition
{
    private Dictionary<int, FollowerProgress> _followers = [];

    /// <summary>The ISR the high watermark is computed over: the recorded one plus members a proposal in flight adds (Kafka's maximal ISR).</summary>
    private ImmutableArray<int> _maximalIsr = [];

    /// <summary>The ISR proposed to the controller and not yet answered; default when none is.</summary>
    private ImmutableArray<int> _proposedIsr;

    /// <summary>Where this leader's epoch began: a follower must reach it before it can rejoin the ISR.</summary>
    private long _leaderEpochStartOffset;

    /// <summary>
    /// Appends producer batches as leader. With <see cref="RequiredAcks.All"/> the result carries a task
    /// that completes (with an error code) once the high watermark passes the batches, or the
    /// leadership or ISR no longer allows it. Refused with NOT_LEADER_OR_FOLLOWER unless this replica
    /// leads and the broker holds its lease; with NOT_ENOUGH_REPLICAS when acks=all and the ISR is
    /// smaller than <c>min.insync.replicas</c>.
    /// </summary>
    public LeaderAppend AppendAsLeader(ReadOnlyMemory<byte> batches, RequiredAcks acks)
    {
        AppendResult result;
        _roleLock.EnterReadLock();
        try
        {
            var assignment = _assignment;
            if (assignment.Role != PartitionRole.Leader || !_context.HoldsLease())
            {
                var why = assignment.Role == PartitionRole.Leader
                    ? $"node {_context.LocalBrokerId} lost contact with the controller and may have been replaced as leader of {TopicPartition}"
                    : CheckLeader(assignment, null)!.Value.Message;
                return new LeaderAppend(AppendResult.Failed(ErrorCode.NotLeaderOrFollower, why, Log.LogStartOffset), null);
            }

            var minInSync = Log.Config.MinInSyncReplicas;
            if (acks == RequiredAcks.All && assignment.Isr.Length < minInSync)
            {
                return new LeaderAppend(
                    AppendResult.Failed(ErrorCode.NotEnoughReplicas, $"{TopicPartition} has {assignment.Isr.Length} in-sync replica(s) [{string.Join(',', assignment.Isr)}]; min.insync.replicas is {minInSync}", Log.LogStartOffset),
                    null);
            }

            result = Log.Append(batches, assignment.LeaderEpoch);
        }
        finally
        {
            _roleLock.ExitReadLock();
        }

        if (!result.Succeeded)
        {
            return new LeaderAppend(result, null);
        }

        LogEndNotifier.Notify();
        MaybeAdvanceHighWatermark();
        return acks == RequiredAcks.All
            ? new LeaderAppend(result, _pendingAcks.Add(result.LastOffset + 1, () => Log.HighWatermark))
            : new LeaderAppend(result, null);
    }

    /// <summary>
    /// Completes once the high watermark reaches <paramref name="endOffset"/> (NOT_LEADER_OR_FOLLOWER
    /// unless this replica leads): for writers that append without waiting and wait later, like the
    /// group coordinator, which answers only once its records are replicated.
    /// </summary>
    public Task<ErrorCode> WaitForHighWatermarkAsync(long endOffset) =>
        Role != PartitionRole.Leader ? Task.FromResult(ErrorCode.NotLeaderOrFollower) : _pendingAcks.Add(endOffset, () => Log.HighWatermark);

    /// <summary>
    /// A follower's fetch, answered by the leader: checks its leader epoch and that it is a replica,
    /// reads from its fetch offset up to the log end (not the high watermark: followers copy
    /// everything), then records how far the follower's log reaches, which may move the high
    /// watermark and make it eligible to rejoin the ISR.
    /// </summary>
    public LogReadResult ReadForFollower(int replicaId, long fetchOffset, int maxBytes, int leaderEpoch)
    {
        var assignment = Assignment;
        if (CheckLeader(assignment, leaderEpoch) is { } refused)
        {
            return LogReadResult.Failed(refused.Error, refused.Message, Log);
        }

        if (!assignment.Replicas.Contains(replicaId) || replicaId == _context.LocalBrokerId)
        {
            return LogReadResult.Failed(ErrorCode.NotLeaderOrFollower, $"node {replicaId} is not a follower of {TopicPartition} (replicas [{string.Join(',', assignment.Replicas)}])", Log);
        }

        var read = Log.Read(fetchOffset, maxBytes, long.MaxValue);
        if (read.Error == ErrorCode.None)
        {
            OnFollowerFetch(replicaId, fetchOffset, read.LogEndOffset);
        }

        return read.WithHighWatermark(Log.HighWatermark);
    }

    /// <summary>Called under the role write lock.</summary>
    private void BecomeLeader(ReplicaAssignment assignment)
    {
        Log.LeaderEpochs.Assign(assignment.LeaderEpoch, Log.LogEndOffset);
        var now = _context.Time.GetTimestamp();
        lock (_leaderLock)
        {
            _leaderEpochStartOffset = Log.LogEndOffset;
            _followers = assignment.Replicas
                .Where(r => r != _context.LocalBrokerId)
                .ToDictionary(r => r, r => new FollowerProgress(now, assignment.Isr.Contains(r)));
            _maximalIsr = assignment.Isr;
            _proposedIsr = default;
        }
    }

    /// <summary>Called under the role write lock: nothing more will replicate under this leadership.</summary>
    private void StopLeading()
    {
        lock (_leaderLock)
        {
            _followers = [];
            _maximalIsr = [];
            _proposedIsr = default;
        }

        _pendingAcks.FailAll(ErrorCode.NotLeaderOrFollower);
    }

    /// <summary>Called under the role write lock: the controller recorded a new ISR for this leadership.</summary>
    private void UpdateIsr(ReplicaAssignment assignment)
    {
        Volatile.Write(ref _assignment, assignment);
        lock (_leaderLock)
        {
            _maximalIsr = _proposedIsr.IsDefault ? assignment.Isr : [.. assignment.Isr.Union(_proposedIsr)];
        }

        var min = Math.Min(Log.Config.MinInSyncReplicas, assignment.Replicas.Length);
        if (assignment.Isr.Length < min)
        {
            _pendingAcks.FailAll(ErrorCode.NotEnoughReplicasAfterAppend);
        }
    }

    private void OnFollowerFetch(int replicaId, long fetchOffset, long leaderLogEnd)
    {
        var now = _context.Time.GetTimestamp();
        bool wantsToJoin;
        lock (_leaderLock)
        {
            if (!_followers.TryGetValue(replicaId, out var progress))
            {
                return;
            }

            progress.OnFetch(fetchOffset, leaderLogEnd, now);
            wantsToJoin = !_maximalIsr.Contains(replicaId)
                && _proposedIsr.IsDefault
                && fetchOffset >= Log.HighWatermark
                && fetchOffset >= _leaderEpochStartOffset
                && _context.IsBrokerActive(replicaId);
        }

        MaybeAdvanceHighWatermark();
        if (wantsToJoin)
        {
            _context.IsrChangeWanted(this);
        }
    }

    /// <summary>
    /// Moves the high watermark to the smallest log end over the ISR in use, if that is larger and
    /// the ISR is large enough; then completes acks=all produces it passed and wakes consumers.
    /// </summary>
    private void MaybeAdvanceHighWatermark()
    {
        long highWatermark;
        lock (_leaderLock)
        {
            var assignment = _assignment;
            if (assignment.Role != PartitionRole.Leader)
            {
                return;
            }

            var isr = _maximalIsr;
            if (isr.Length < Math.Min(Log.Config.MinInSyncReplicas, assignment.Replicas.Length))
            {
                return; // KIP-966: a too-small ISR does not commit, so every committed record stays on enough replicas
            }

            var candidate = Log.LogEndOffset;
            foreach (var member in isr)
            {
                if (member == _context.LocalBrokerId)
                {
                    continue;
                }

                if (!_followers.TryGetValue(member, out var progress) || progress.LogEndOffset < 0)
                {
                    return;
                }

                candidate = Math.Min(candidate, progress.LogEndOffset);
            }

            // Under the lock, so two callers cannot publish out of order and move it back.
            if (candidate <= Log.HighWatermark)
            {
                return;
            }

            Log.UpdateHighWatermark(candidate);
            highWatermark = Log.HighWatermark;
        }

        _pendingAcks.Complete(highWatermark);
        Notifier.Notify();
    }
}

/// <summary>The outcome of a leader append: the log's result, and for acks=all the wait for replication.</summary>
public readonly record struct LeaderAppend(AppendResult Result, Task<ErrorCode>? Replicated);
