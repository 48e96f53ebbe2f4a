using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>Heartbeat (key 12) request of the classic group protocol.</summary>
public sealed record HeartbeatRequest(string GroupId, int GenerationId, string MemberId, string? GroupInstanceId)
{
    public static HeartbeatRequest Read(ref KafkaReader reader, short version)
    {
        var groupId = reader.ReadString();
        var generation = reader.ReadInt32();
        var memberId = reader.ReadString();
        var instanceId = version >= 3 ? reader.ReadNullableString() : null;
        reader.SkipTaggedFields();
        return new HeartbeatRequest(groupId, generation, memberId, instanceId);
    }
}

/// <summary>A response that is only an error code (after the throttle time from <paramref name="throttleFrom"/> on): Heartbeat's.</summary>
public sealed class ErrorOnlyResponse(ErrorCode error, short throttleFrom) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= throttleFrom)
        {
            writer.WriteInt32(0);
        }

        writer.WriteInt16(error);
        writer.WriteTaggedFields();
    }
}
