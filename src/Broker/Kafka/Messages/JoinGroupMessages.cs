using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>A protocol (assignor) a joining member supports, with its opaque subscription metadata.</summary>
public sealed record JoinGroupProtocol(string Name, byte[] Metadata);

/// <summary>JoinGroup (key 11) request of the classic group protocol, v2+.</summary>
public sealed record JoinGroupRequest(string GroupId, int SessionTimeoutMs, int RebalanceTimeoutMs, string MemberId, string? GroupInstanceId, string ProtocolType, IReadOnlyList<JoinGroupProtocol> Protocols, string? Reason)
{
    public static JoinGroupRequest Read(ref KafkaReader reader, short version)
    {
        var groupId = reader.ReadString();
        var session = reader.ReadInt32();
        var rebalance = version >= 1 ? reader.ReadInt32() : session;
        var memberId = reader.ReadString();
        var instanceId = version >= 5 ? reader.ReadNullableString() : null;
        var protocolType = reader.ReadString();
        var count = reader.ReadArrayCountNotNull();
        var protocols = new List<JoinGroupProtocol>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var metadata = reader.ReadBytes().ToArray();
            reader.SkipTaggedFields();
            protocols.Add(new JoinGroupProtocol(name, metadata));
        }

        var reason = version >= 8 ? reader.ReadNullableString() : null;
        reader.SkipTaggedFields();
        return new JoinGroupRequest(groupId, session, rebalance, memberId, instanceId, protocolType, protocols, reason);
    }
}

public sealed record JoinGroupMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

/// <summary>JoinGroup response: the generation, chosen protocol and leader; the leader alone gets every member's metadata.</summary>
public sealed record JoinGroupResult(ErrorCode Error, int GenerationId, string? ProtocolType, string? ProtocolName, string Leader, string MemberId, IReadOnlyList<JoinGroupMember> Members)
{
    public static JoinGroupResult Failed(ErrorCode error, string memberId) => new(error, -1, null, null, string.Empty, memberId, []);
}

public sealed class JoinGroupResponse(JoinGroupResult result) : KafkaResponse
{
    public JoinGroupResult Result => result;

    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 2)
        {
            writer.WriteInt32(0);
        }

        writer.WriteInt16(result.Error);
        writer.WriteInt32(result.GenerationId);
        if (version >= 7)
        {
            writer.WriteNullableString(result.ProtocolType);
            writer.WriteNullableString(result.ProtocolName);
        }
        else
        {
            writer.WriteString(result.ProtocolName ?? string.Empty);
        }

        writer.WriteString(result.Leader);
        if (version >= 9)
        {
            writer.WriteBool(false); // skip assignment: the leader always assigns
        }

        writer.WriteString(result.MemberId);
        writer.WriteArrayCount(result.Members.Count);
        foreach (var member in result.Members)
        {
            writer.WriteString(member.MemberId);
            if (version >= 5)
            {
                writer.WriteNullableString(member.GroupInstanceId);
            }

            writer.WriteBytes(member.Metadata);
            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
