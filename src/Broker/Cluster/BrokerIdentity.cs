namespace LogBroker.Broker.Cluster;

/// <summary>
/// Who this broker is: its node id, the cluster it belongs to, and the gRPC address clients reach it
/// at (known once Kestrel has bound its port). Stored in <c>meta.properties</c> so a data directory
/// cannot be opened by a different node or joined to a different cluster by mistake.
/// </summary>
public sealed class BrokerIdentity
{
    public const string FileName = "meta.properties";

    private string? _address;

    public BrokerIdentity(int nodeId, string clusterId)
    {
        NodeId = nodeId;
        ClusterId = clusterId;
    }

    public int NodeId { get; }

    public string ClusterId { get; }

    /// <summary>The gRPC address advertised in metadata, e.g. <c>http://127.0.0.1:9400</c>.</summary>
    public string Address => _address ?? throw new InvalidOperationException("the broker has not bound its gRPC port yet");

    public void SetAddress(string address) => _address = address;

    /// <summary>Reads <c>meta.properties</c>, creating it (with a new cluster id) on first start.</summary>
    public static BrokerIdentity LoadOrCreate(string dataDirectory, int nodeId)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            var created = new BrokerIdentity(nodeId, Guid.NewGuid().ToString("N"));
            Storage.Checkpoints.AtomicFile.WriteText(path, $"version=1\nnode.id={nodeId}\ncluster.id={created.ClusterId}\n");
            return created;
        }

        var properties = File.ReadAllLines(path)
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
        if (!properties.TryGetValue("node.id", out var storedNode) || !properties.TryGetValue("cluster.id", out var clusterId))
        {
            throw new InvalidDataException($"{path} lacks node.id or cluster.id");
        }

        if (storedNode != nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{path} belongs to node {storedNode}, but this broker is configured as node {nodeId}");
        }

        return new BrokerIdentity(nodeId, clusterId);
    }
}
