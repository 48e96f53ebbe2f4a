using System.Globalization;
using System.Net;

namespace LogBroker.Faultlab.Hosts;

/// <summary>Where one broker of the lab listens: its own address (a namespace's, or loopback) and its three ports.</summary>
public sealed record NodeEndpoint(int NodeId, IPAddress Host, int GrpcPort, int HttpPort, int ControllerPort)
{
    /// <summary>The broker's gRPC address, as clients and metadata spell it.</summary>
    public string GrpcAddress => string.Create(CultureInfo.InvariantCulture, $"http://{Host}:{GrpcPort}");

    public Uri ReadyUrl => new(string.Create(CultureInfo.InvariantCulture, $"http://{Host}:{HttpPort}/health/ready"));

    /// <summary>This node as an entry of <c>--controller-voters</c> (Kafka's controller.quorum.voters): <c>id@host:port</c>.</summary>
    public string Voter => string.Create(CultureInfo.InvariantCulture, $"{NodeId}@{Host}:{ControllerPort}");
}
