using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>One group of an offset fetch; <see cref="Topics"/> null asks for every partition the group has committed.</summary>
public sealed record OffsetFetchGroup(string GroupId, string? MemberId, int MemberEpoch, List<(string Topic, int[] Partitions)>? Topics);

/// <summary>OffsetFetch (key 9) request, v1+: one group up to v7, several from v8.</summary>
public sealed record OffsetFetchRequest(IReadOnlyList<OffsetFetchGroup> Groups, bool RequireStable)
{
    public static OffsetFetchRequest Read(ref KafkaReader reader, short version)
    {
        if (version <= 7)
        {
            var groupId = reader.ReadString();
            var topics = ReadTopics(ref reader);
            var requireStable = version >= 7 && reader.ReadBool();
            reader.SkipTaggedFields();
            return new OffsetFetchRequest([new OffsetFetchGroup(groupId, null, -1, topics)], requireStable);
        }

        var count = reader.ReadArrayCountNotNull();
        var groups = new List<OffsetFetchGroup>(count);
        for (var i = 0; i < count; i++)
        {
            var groupId = reader.ReadString();
            var memberId = version >= 9 ? reader.ReadNullableString() : null;
            var memberEpoch = version >= 9 ? reader.ReadInt32() : -1;
            var topics = ReadTopics(ref reader);
            reader.SkipTaggedFields();
            groups.Add(new OffsetFetchGroup(groupId, memberId, memberEpoch, topics));
        }

        var stable = reader.ReadBool();
        reader.SkipTaggedFields();
        return new OffsetFetchRequest(groups, stable);
    }

    private static List<(string, int[])>? ReadTopics(ref KafkaReader reader)
    {
        var count = reader.ReadArrayCount();
        if (count < 0)
        {
            return null;
        }

        var topics = new List<(string, int[])>(count);
        for (var t = 0; t < count; t++)
        {
            var name = reader.ReadString();
            var partitions = reader.ReadInt32Array();
            reader.SkipTaggedFields();
            topics.Add((name, partitions));
        }

        return topics;
    }
}

public readonly record struct OffsetFetchPartition(int Partition, long Offset, string? Metadata, ErrorCode Error);

public sealed record OffsetFetchGroupResult(string GroupId, ErrorCode Error, List<(string Topic, List<OffsetFetchPartition> Partitions)> Topics);

/// <summary>OffsetFetch response: committed offsets (-1 where none), per group from v8, with a group-level error from v2.</summary>
public sealed class OffsetFetchResponse(IReadOnlyList<OffsetFetchGroupResult> groups) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 3)
        {
            writer.WriteInt32(0);
        }

        if (version <= 7)
        {
            var group = groups[0];
            WriteTopics(writer, version, group.Topics);
            if (version >= 2)
            {
                writer.WriteInt16(group.Error);
            }

            writer.WriteTaggedFields();
            return;
        }

        writer.WriteArrayCount(groups.Count);
        foreach (var group in groups)
        {
            writer.WriteString(group.GroupId);
            WriteTopics(writer, version, group.Topics);
            writer.WriteInt16(group.Error);
            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }

    private static void WriteTopics(KafkaResponseWriter writer, short version, List<(string Topic, List<OffsetFetchPartition> Partitions)> topics)
    {
        writer.WriteArrayCount(topics.Count);
        foreach (var (topic, partitions) in topics)
        {
            writer.WriteString(topic);
            writer.WriteArrayCount(partitions.Count);
            foreach (var p in partitions)
            {
                writer.WriteInt32(p.Partition);
                writer.WriteInt64(p.Offset);
                if (version >= 5)
                {
                    writer.WriteInt32(-1); // committed leader epoch: not kept
                }

                writer.WriteNullableString(p.Metadata);
                writer.WriteInt16(p.Error);
                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }
    }
}
