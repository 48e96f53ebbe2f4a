using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// The follower's side: the replica fetcher appends the leader's batches verbatim (offsets, epochs and
/// CRCs as the leader wrote them; every CRC is checked on the way in), takes the leader's high
/// watermark, and truncates a divergent tail before it starts fetching from a new leader.
/// </summary>
public sealed partial class Partition
{
    /// <summary>
    /// Appends batches fetched from the leader of <paramref name="leaderEpoch"/>; refused (nothing
    /// written) when this replica no longer follows that leadership.
    /// </summary>
    public AppendResult AppendAsFollower(ReadOnlyMemory<byte> batches, int leaderEpoch, long leaderHighWatermark)
    {
        AppendResult result;
        _roleLock.EnterReadLock();
        try
        {
            var assignment = _assignment;
            if (assignment.Role != PartitionRole.Follower || assignment.LeaderEpoch != leaderEpoch)
            {
                return AppendResult.Failed(ErrorCode.FencedLeaderEpoch, $"{TopicPartition} no longer follows leader epoch {leaderEpoch}", Log.LogStartOffset);
            }

            result = batches.IsEmpty ? default : Log.Append(batches, leaderEpoch: -1, AppendOrigin.Replication);
        }
        finally
        {
            _roleLock.ExitReadLock();
        }

        if (result.Error == ErrorCode.None)
        {
            UpdateFollowerHighWatermark(leaderHighWatermark);
        }

        return result;
    }

    /// <summary>The leader's high watermark, capped at what this replica has; it never moves back.</summary>
    public void UpdateFollowerHighWatermark(long leaderHighWatermark)
    {
        var target = Math.Min(leaderHighWatermark, Log.LogEndOffset);
        if (target > Log.HighWatermark)
        {
            Log.UpdateHighWatermark(target);
        }
    }

    /// <summary>Removes this replica's divergent tail from <paramref name="offset"/> on, while it follows <paramref name="leaderEpoch"/>.</summary>
    public bool TruncateAsFollower(long offset, int leaderEpoch)
    {
        _roleLock.EnterReadLock();
        try
        {
            if (_assignment.Role != PartitionRole.Follower || _assignment.LeaderEpoch != leaderEpoch)
            {
                return false;
            }

            if (offset < Log.LogEndOffset)
            {
                Log.TruncateTo(offset);
            }

            return true;
        }
        finally
        {
            _roleLock.ExitReadLock();
        }
    }

    /// <summary>The leader's log starts after this replica's ends: start over, empty, at the leader's log start.</summary>
    public bool RestartAsFollowerAt(long offset, int leaderEpoch)
    {
        _roleLock.EnterReadLock();
        try
        {
            if (_assignment.Role != PartitionRole.Follower || _assignment.LeaderEpoch != leaderEpoch)
            {
                return false;
            }

            Log.TruncateFullyAndStartAt(offset);
            return true;
        }
        finally
        {
            _roleLock.ExitReadLock();
        }
    }
}
