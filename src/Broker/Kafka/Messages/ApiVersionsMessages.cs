using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>ApiVersions (key 18) request: v3+ names the client software.</summary>
public sealed record ApiVersionsRequest(string? ClientSoftwareName, string? ClientSoftwareVersion)
{
    public static ApiVersionsRequest Read(ref KafkaReader reader, short version)
    {
        if (version < 3)
        {
            return new ApiVersionsRequest(null, null);
        }

        var name = reader.ReadString();
        var softwareVersion = reader.ReadString();
        reader.SkipTaggedFields();
        return new ApiVersionsRequest(name, softwareVersion);
    }
}

/// <summary>One API this listener serves, with its version range.</summary>
public readonly record struct ApiVersionRange(ApiKey ApiKey, short MinVersion, short MaxVersion);

/// <summary>
/// ApiVersions response: the error, then every supported API with its version range, then (v1+) the
/// throttle time. A client that asked at a version we do not serve gets this at v0 with
/// UNSUPPORTED_VERSION, from which it picks a version we do.
/// </summary>
public sealed class ApiVersionsResponse(ErrorCode error, IReadOnlyList<ApiVersionRange> apis) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt16(error);
        writer.WriteArrayCount(apis.Count);
        foreach (var api in apis)
        {
            writer.WriteInt16((short)api.ApiKey);
            writer.WriteInt16(api.MinVersion);
            writer.WriteInt16(api.MaxVersion);
            writer.WriteTaggedFields();
        }

        if (version >= 1)
        {
            writer.WriteInt32(0);
        }

        writer.WriteTaggedFields();
    }
}
