using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>SyncGroup (key 14) request: the leader sends every member's assignment; the others send none.</summary>
public sealed record SyncGroupRequest(string GroupId, int GenerationId, string MemberId, string? GroupInstanceId, string? ProtocolType, string? ProtocolName, IReadOnlyList<(string MemberId, byte[] Assignment)> Assignments)
{
    public static SyncGroupRequest Read(ref KafkaReader reader, short version)
    {
        var groupId = reader.ReadString();
        var generation = reader.ReadInt32();
        var memberId = reader.ReadString();
        var instanceId = version >= 3 ? reader.ReadNullableString() : null;
        var protocolType = version >= 5 ? reader.ReadNullableString() : null;
        var protocolName = version >= 5 ? reader.ReadNullableString() : null;
        var count = reader.ReadArrayCountNotNull();
        var assignments = new List<(string, byte[])>(count);
        for (var i = 0; i < count; i++)
        {
            var member = reader.ReadString();
            var assignment = reader.ReadBytes().ToArray();
            reader.SkipTaggedFields();
            assignments.Add((member, assignment));
        }

        reader.SkipTaggedFields();
        return new SyncGroupRequest(groupId, generation, memberId, instanceId, protocolType, protocolName, assignments);
    }
}

public sealed record SyncGroupResult(ErrorCode Error, string? ProtocolType, string? ProtocolName, byte[] Assignment);

/// <summary>SyncGroup response: this member's assignment, as the leader computed it.</summary>
public sealed class SyncGroupResponse(SyncGroupResult result) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 1)
        {
            writer.WriteInt32(0);
        }

        writer.WriteInt16(result.Error);
        if (version >= 5)
        {
            writer.WriteNullableString(result.ProtocolType);
            writer.WriteNullableString(result.ProtocolName);
        }

        writer.WriteBytes(result.Assignment);
        writer.WriteTaggedFields();
    }
}
