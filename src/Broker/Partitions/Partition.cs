using System.Collections.Immutable;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// This broker's replica of a partition, as leader or follower, as the metadata says.
/// <para>
/// As leader it appends producer batches under its leader epoch, tracks each follower's log end,
/// keeps the high watermark (the smallest log end over the ISR, advancing only while the ISR has at
/// least <c>min(min.insync.replicas, replicas)</c> members), completes acks=all produces when the high
/// watermark passes them, and proposes ISR changes to the controller, never making them alone. As
/// follower it takes the leader's batches verbatim and the leader's high watermark.
/// </para>
/// <para>
/// Threading: appends hold the role lock for reading, role changes for writing, so an append never
/// straddles a change of leader epoch. Follower progress, the ISR in use and the ISR change in flight
/// are guarded by the leader lock, which is never held across I/O. Reads are lock-free.
/// </para>
/// </summary>
public sealed partial class Partition : IDisposable
{
    private readonly PartitionContext _context;
    private readonly ReaderWriterLockSlim _roleLock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _leaderLock = new();
    private readonly PendingAcks _pendingAcks = new();
    private ReplicaAssignment _assignment = ReplicaAssignment.Unassigned;

    public Partition(TopicPartition topicPartition, PartitionLog log, PartitionContext context)
    {
        TopicPartition = topicPartition;
        Log = log;
        _context = context;
    }

    public TopicPartition TopicPartition { get; }

    public PartitionLog Log { get; }

    public ReplicaAssignment Assignment => Volatile.Read(ref _assignment);

    public PartitionRole Role => Assignment.Role;

    public bool IsLeader => Assignment.Role == PartitionRole.Leader;

    public int LeaderId => Assignment.LeaderId;

    public int LeaderEpoch => Assignment.LeaderEpoch;

    public IReadOnlyList<int> Replicas => Assignment.Replicas;

    public IReadOnlyList<int> InSyncReplicas => Assignment.Isr;

    /// <summary>Wakes consumers waiting for data: the high watermark moved, or the role changed.</summary>
    public AppendNotifier Notifier { get; } = new();

    /// <summary>Wakes followers' fetches waiting for data: the log end moved, or the role changed.</summary>
    public AppendNotifier LogEndNotifier { get; } = new();

    /// <summary>acks=all produces waiting for replication.</summary>
    public int PendingAckCount => _pendingAcks.Count;

    /// <summary>
    /// Acts on the partition's state in a new metadata image: becomes leader (new leader epoch),
    /// follower, or takes the new ISR of its own leadership. Older states (a lower leader epoch, or the
    /// same epoch with a lower partition epoch) are ignored. Returns the role change, for the caller to
    /// start or stop fetching.
    /// </summary>
    public RoleChange Apply(PartitionImage image)
    {
        var local = _context.LocalBrokerId;
        var role = image.Leader == local ? PartitionRole.Leader : image.HasLeader && image.IsReplica(local) ? PartitionRole.Follower : PartitionRole.None;
        var next = new ReplicaAssignment(role, image.Leader, image.LeaderEpoch, image.PartitionEpoch, image.Replicas, image.Isr);
        _roleLock.EnterWriteLock();
        ReplicaAssignment previous;
        try
        {
            previous = _assignment;
            if (image.LeaderEpoch < previous.LeaderEpoch || (image.LeaderEpoch == previous.LeaderEpoch && image.PartitionEpoch <= previous.PartitionEpoch && previous.Role != PartitionRole.None))
            {
                return RoleChange.None;
            }

            if (role == PartitionRole.Leader && previous.Role == PartitionRole.Leader && previous.LeaderEpoch == image.LeaderEpoch)
            {
                UpdateIsr(next);
                return RoleChange.None;
            }

            if (role == PartitionRole.Follower && previous.Role == PartitionRole.Follower && previous.LeaderEpoch == image.LeaderEpoch && previous.LeaderId == image.Leader)
            {
                Volatile.Write(ref _assignment, next); // only the ISR moved: keep fetching as before
                return RoleChange.None;
            }

            Volatile.Write(ref _assignment, next);
            if (role == PartitionRole.Leader)
            {
                BecomeLeader(next);
            }
            else
            {
                StopLeading();
            }
        }
        finally
        {
            _roleLock.ExitWriteLock();
        }

        Notifier.Notify();
        LogEndNotifier.Notify();
        if (role == PartitionRole.Leader)
        {
            MaybeAdvanceHighWatermark();
        }

        return role switch
        {
            PartitionRole.Leader => RoleChange.BecameLeader,
            PartitionRole.Follower => RoleChange.BecameFollower,
            _ => previous.Role == PartitionRole.None ? RoleChange.None : RoleChange.Stopped,
        };
    }

    /// <summary>The replica is going away (topic deleted, broker stopping): waiting produces fail, waiting fetches look again.</summary>
    public void Dispose()
    {
        _roleLock.EnterWriteLock();
        try
        {
            Volatile.Write(ref _assignment, ReplicaAssignment.Unassigned with { LeaderEpoch = int.MaxValue });
            StopLeading();
        }
        finally
        {
            _roleLock.ExitWriteLock();
        }

        Notifier.Notify();
        LogEndNotifier.Notify();
    }

    /// <summary>
    /// A consumer's read: whole batches, never past the high watermark, only from the leader. A
    /// <paramref name="currentLeaderEpoch"/> older than the leader's is FENCED_LEADER_EPOCH (the client's
    /// metadata is stale), a newer one UNKNOWN_LEADER_EPOCH (this broker's is).
    /// </summary>
    public LogReadResult Read(long offset, int maxBytes, int? currentLeaderEpoch = null)
    {
        var assignment = Assignment;
        if (CheckLeader(assignment, currentLeaderEpoch) is { } refused)
        {
            return LogReadResult.Failed(refused.Error, refused.Message, Log);
        }

        return Log.Read(offset, maxBytes);
    }

    /// <summary>
    /// Kafka's ListOffsets, answered by the leader: the log start offset (<see cref="OffsetSpecs.Earliest"/>),
    /// the high watermark (<see cref="OffsetSpecs.Latest"/>), or the first record at or after a timestamp
    /// below the high watermark (offset and timestamp -1 when there is none).
    /// </summary>
    public (ErrorCode Error, string? Message, long Offset, long Timestamp) ListOffset(long spec)
    {
        if (CheckLeader(Assignment, null) is { } refused)
        {
            return (refused.Error, refused.Message, -1, -1);
        }

        switch (spec)
        {
            case OffsetSpecs.Earliest:
                return (ErrorCode.None, null, Log.LogStartOffset, -1);
            case OffsetSpecs.Latest:
                return (ErrorCode.None, null, Log.HighWatermark, -1);
            case < 0:
                return (ErrorCode.InvalidRequest, $"timestamp {spec} is neither -2 (earliest), -1 (latest) nor a time", -1, -1);
            default:
                try
                {
                    return Log.FindOffsetByTimestamp(spec) is { } found
                        ? (ErrorCode.None, null, found.Offset, found.Timestamp)
                        : (ErrorCode.None, null, -1, -1);
                }
                catch (InvalidDataException e)
                {
                    return (ErrorCode.CorruptMessage, e.Message, -1, -1);
                }
        }
    }

    /// <summary>
    /// Kafka's OffsetsForLeaderEpoch, answered by the leader: the largest epoch at most
    /// <paramref name="epoch"/> this log knows, and the offset where it ended (the log end for the
    /// current one); (-1, -1) when the log holds no epoch that old.
    /// </summary>
    public (ErrorCode Error, string? Message, int Epoch, long EndOffset) EndOffsetForEpoch(int epoch, int? currentLeaderEpoch)
    {
        if (CheckLeader(Assignment, currentLeaderEpoch) is { } refused)
        {
            return (refused.Error, refused.Message, -1, -1);
        }

        var (found, end) = Log.LeaderEpochs.EndOffsetFor(epoch, Log.LogEndOffset);
        return (ErrorCode.None, null, found, end);
    }

    private (ErrorCode Error, string Message)? CheckLeader(ReplicaAssignment assignment, int? currentLeaderEpoch)
    {
        if (assignment.Role != PartitionRole.Leader)
        {
            return (ErrorCode.NotLeaderOrFollower, assignment.LeaderId >= 0
                ? $"node {_context.LocalBrokerId} does not lead {TopicPartition}; node {assignment.LeaderId} does (leader epoch {assignment.LeaderEpoch})"
                : $"{TopicPartition} has no leader right now");
        }

        if (currentLeaderEpoch is { } epoch && epoch >= 0 && epoch != assignment.LeaderEpoch)
        {
            return epoch < assignment.LeaderEpoch
                ? (ErrorCode.FencedLeaderEpoch, $"leader epoch {epoch} of {TopicPartition} is older than the current {assignment.LeaderEpoch}; refresh metadata")
                : (ErrorCode.UnknownLeaderEpoch, $"leader epoch {epoch} of {TopicPartition} is newer than this broker knows ({assignment.LeaderEpoch}); retry");
        }

        return null;
    }
}

/// <summary>How a metadata change moved a replica: the replica manager starts or stops fetching from it.</summary>
public enum RoleChange
{
    None,
    BecameLeader,
    BecameFollower,
    Stopped,
}
