using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// Earliest, latest (high watermark) or by-time offsets of any partition in the cluster, asked of its
/// leader wherever it is (in process when it is here). The group coordinator uses it for lag and
/// offset resets of partitions it does not lead.
/// </summary>
public interface IPartitionOffsets
{
    /// <summary><paramref name="spec"/>: <see cref="OffsetSpecs.Earliest"/>, <see cref="OffsetSpecs.Latest"/>, or a timestamp in ms.</summary>
    Task<IReadOnlyDictionary<TopicPartition, ListedOffset>> ListAsync(IReadOnlyCollection<TopicPartition> partitions, long spec, CancellationToken cancellationToken);
}

/// <summary>One partition's answer: the offset (-1 when no record is at or after a timestamp), or why there is none.</summary>
public readonly record struct ListedOffset(ErrorCode Error, string? Message, long Offset);
