using Grpc.Net.Client;
using LogBroker.Protocol.Grpc;

namespace LogBroker.TestHosts;

/// <summary>The generated gRPC clients, for tests that must send what our client never would (bad input, raw long polls).</summary>
public sealed class RawClients : IDisposable
{
    private readonly GrpcChannel _channel;

    public RawClients(string address)
    {
        _channel = GrpcChannel.ForAddress(address);
        Produce = new LogBroker.Protocol.Grpc.Produce.ProduceClient(_channel);
        Fetch = new LogBroker.Protocol.Grpc.Fetch.FetchClient(_channel);
        Admin = new LogBroker.Protocol.Grpc.Admin.AdminClient(_channel);
        Metadata = new LogBroker.Protocol.Grpc.Metadata.MetadataClient(_channel);
    }

    public LogBroker.Protocol.Grpc.Produce.ProduceClient Produce { get; }

    public LogBroker.Protocol.Grpc.Fetch.FetchClient Fetch { get; }

    public LogBroker.Protocol.Grpc.Admin.AdminClient Admin { get; }

    public LogBroker.Protocol.Grpc.Metadata.MetadataClient Metadata { get; }

    public static ProduceRequest ProduceOne(string topic, int partition, byte[] records) => new()
    {
        Acks = Acks.Leader,
        Topics = { new TopicProduceData { Topic = topic, Partitions = { new PartitionProduceData { Partition = partition, Records = Google.Protobuf.ByteString.CopyFrom(records) } } } },
    };

    public static FetchRequest FetchOne(string topic, int partition, long offset, int maxWaitMs = 0, int minBytes = 0) => new()
    {
        MaxWaitMs = maxWaitMs,
        MinBytes = minBytes,
        MaxBytes = 1 << 20,
        Topics = { new TopicFetchData { Topic = topic, Partitions = { new PartitionFetchData { Partition = partition, FetchOffset = offset, MaxBytes = 1 << 20 } } } },
    };

    public void Dispose() => _channel.Dispose();
}
