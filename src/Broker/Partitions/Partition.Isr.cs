using System.Collections.Immutable;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// The leader's ISR proposals (Kafka's AlterPartition): followers that lag for longer than
/// <c>replica.lag.time.max</c> leave, followers that caught up with the high watermark (and with this
/// leader's epoch) rejoin. A proposal names the leader and partition epochs it changes; only one is in
/// flight at a time, and while it is, the high watermark is computed over the recorded ISR plus the
/// members it adds, never minus the members it drops, so it is safe whichever way the controller answers.
/// </summary>
public sealed partial class Partition
{
    /// <summary>True when a follower in the ISR has lagged past the limit (checked periodically by the replica manager).</summary>
    public bool HasLaggingInSyncFollower()
    {
        var now = _context.Time.GetTimestamp();
        lock (_leaderLock)
        {
            if (_assignment.Role != PartitionRole.Leader || !_proposedIsr.IsDefault)
            {
                return false;
            }

            foreach (var member in _assignment.Isr)
            {
                if (member != _context.LocalBrokerId && IsLagging(member, now))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The ISR change this leader wants now, marked in flight; null when it wants none or one is in
    /// flight already. The caller sends it and hands the answer to <see cref="CompleteIsrChange"/>.
    /// </summary>
    public AlterPartitionRequest? TakeIsrChange(int brokerId, long brokerEpoch)
    {
        var now = _context.Time.GetTimestamp();
        lock (_leaderLock)
        {
            var assignment = _assignment;
            if (assignment.Role != PartitionRole.Leader || !_proposedIsr.IsDefault)
            {
                return null;
            }

            var highWatermark = Log.HighWatermark;
            var desired = assignment.Replicas.Where(replica =>
                replica == _context.LocalBrokerId
                || (assignment.Isr.Contains(replica) && !IsLagging(replica, now))
                || (!assignment.Isr.Contains(replica) && CanJoin(replica, highWatermark))).ToImmutableArray();
            if (desired.SequenceEqual(assignment.Isr))
            {
                return null;
            }

            _proposedIsr = desired;
            _maximalIsr = [.. assignment.Isr.Union(desired)];
            return new AlterPartitionRequest(brokerId, brokerEpoch, TopicPartition, assignment.LeaderEpoch, assignment.PartitionEpoch, desired);
        }
    }

    /// <summary>Takes the controller's answer to the proposal in flight.</summary>
    public void CompleteIsrChange(AlterPartitionResult result)
    {
        ImmutableArray<int> isr;
        _roleLock.EnterWriteLock();
        try
        {
            var assignment = _assignment;
            if (result.Error == ErrorCode.None && result.Partition is { } recorded && assignment.Role == PartitionRole.Leader
                && recorded.LeaderEpoch == assignment.LeaderEpoch && recorded.PartitionEpoch > assignment.PartitionEpoch)
            {
                assignment = assignment with { Isr = recorded.Isr, PartitionEpoch = recorded.PartitionEpoch };
                Volatile.Write(ref _assignment, assignment);
            }

            lock (_leaderLock)
            {
                _proposedIsr = default;
                _maximalIsr = assignment.Role == PartitionRole.Leader ? assignment.Isr : [];
            }

            isr = assignment.Isr;
            if (assignment.Role == PartitionRole.Leader && isr.Length < Math.Min(Log.Config.MinInSyncReplicas, assignment.Replicas.Length))
            {
                _pendingAcks.FailAll(ErrorCode.NotEnoughReplicasAfterAppend);
            }
        }
        finally
        {
            _roleLock.ExitWriteLock();
        }

        MaybeAdvanceHighWatermark();
    }

    /// <summary>As this leader sees its followers now: records each lacks, and time since it was last caught up.</summary>
    public IReadOnlyList<(int ReplicaId, long LagRecords, TimeSpan SinceCaughtUp)> FollowerLags()
    {
        var now = _context.Time.GetTimestamp();
        var logEnd = Log.LogEndOffset;
        lock (_leaderLock)
        {
            var lags = new List<(int, long, TimeSpan)>(_followers.Count);
            foreach (var (replica, progress) in _followers)
            {
                var behind = progress.LogEndOffset < 0 ? logEnd : Math.Max(0, logEnd - progress.LogEndOffset);
                var since = progress.LastCaughtUpTimestamp == long.MinValue ? TimeSpan.MaxValue : _context.Time.GetElapsedTime(progress.LastCaughtUpTimestamp, now);
                lags.Add((replica, behind, since == TimeSpan.MaxValue ? TimeSpan.FromDays(1) : since));
            }

            return lags;
        }
    }

    /// <summary>Called under the leader lock.</summary>
    private bool IsLagging(int replica, long now) =>
        !_followers.TryGetValue(replica, out var progress)
        || progress.LastCaughtUpTimestamp == long.MinValue
        || _context.Time.GetElapsedTime(progress.LastCaughtUpTimestamp, now) > _context.ReplicaLagTimeMax;

    /// <summary>Called under the leader lock: has the follower caught up enough to rejoin?</summary>
    private bool CanJoin(int replica, long highWatermark) =>
        _followers.TryGetValue(replica, out var progress)
        && progress.LogEndOffset >= highWatermark
        && progress.LogEndOffset >= _leaderEpochStartOffset
        && !IsLagging(replica, _context.Time.GetTimestamp())
        && _context.IsBrokerActive(replica);
}
