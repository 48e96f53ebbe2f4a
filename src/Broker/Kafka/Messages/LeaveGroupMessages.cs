using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>LeaveGroup (key 13) request: one member up to v2, a batch of members (by id or instance id) from v3.</summary>
public sealed record LeaveGroupRequest(string GroupId, IReadOnlyList<(string MemberId, string? GroupInstanceId)> Members)
{
    public static LeaveGroupRequest Read(ref KafkaReader reader, short version)
    {
        var groupId = reader.ReadString();
        if (version <= 2)
        {
            var memberId = reader.ReadString();
            reader.SkipTaggedFields();
            return new LeaveGroupRequest(groupId, [(memberId, null)]);
        }

        var count = reader.ReadArrayCountNotNull();
        var members = new List<(string, string?)>(count);
        for (var i = 0; i < count; i++)
        {
            var memberId = reader.ReadString();
            var instanceId = reader.ReadNullableString();
            if (version >= 5)
            {
                reader.ReadNullableString(); // reason
            }

            reader.SkipTaggedFields();
            members.Add((memberId, instanceId));
        }

        reader.SkipTaggedFields();
        return new LeaveGroupRequest(groupId, members);
    }
}

/// <summary>LeaveGroup response: the request's error, and (v3+) each member's.</summary>
public sealed class LeaveGroupResponse(ErrorCode error, IReadOnlyList<(string MemberId, string? GroupInstanceId, ErrorCode Error)> members) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 1)
        {
            writer.WriteInt32(0);
        }

        writer.WriteInt16(error);
        if (version >= 3)
        {
            writer.WriteArrayCount(members.Count);
            foreach (var (memberId, instanceId, memberError) in members)
            {
                writer.WriteString(memberId);
                writer.WriteNullableString(instanceId);
                writer.WriteInt16(memberError);
                writer.WriteTaggedFields();
            }
        }

        writer.WriteTaggedFields();
    }
}
