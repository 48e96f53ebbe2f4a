using LogBroker.Client;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Cluster;

/// <summary>
/// The lab's brokers: one <see cref="BrokerProcess"/> per node of the network, each on its own data
/// volume, and the admin calls the campaign needs about them. Disposing kills whatever still runs.
/// </summary>
public sealed class LabCluster : IAsyncDisposable
{
    /// <summary>How long a broker may take from start to ready (a loaded two-core machine recovering a log after kill -9).</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long ready brokers may take to find each other and list every broker in the metadata.</summary>
    public static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a clean stop may take before the broker is killed.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ILabNetwork _network;

    public LabCluster(ILabNetwork network, IReadOnlyList<DataVolume> volumes, string brokerDll, string logDirectory, RunIdentity run, CampaignClock clock)
    {
        _network = network;
        Volumes = volumes;
        Brokers =
        [
            .. network.Nodes.Select(node => new BrokerProcess(
                node,
                ["setsid", .. network.LaunchPrefix(node.NodeId), "dotnet", brokerDll, .. BrokerArguments.For(node, network.Nodes, volumes[node.NodeId - 1].DataDirectory)],
                Path.Combine(logDirectory, $"node{node.NodeId}.log"),
                run,
                clock,
                network.Guard)),
        ];
        Bootstrap = network.Guard.CheckBootstrap(string.Join(',', network.Nodes.Select(n => n.GrpcAddress)));
    }

    public IReadOnlyList<BrokerProcess> Brokers { get; }

    public IReadOnlyList<DataVolume> Volumes { get; }

    public ILabNetwork Network => _network;

    /// <summary>Every broker's gRPC address, comma-separated, checked by the network's guard.</summary>
    public string Bootstrap { get; }

    public BrokerProcess Node(int nodeId) => Brokers[nodeId - 1];

    public DataVolume VolumeOf(int nodeId) => Volumes[nodeId - 1];

    public Task StartAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Brokers.Select(b => b.StartAsync(ReadyTimeout, cancellationToken)));

    /// <summary>
    /// With more than one broker, checks that they formed one cluster: every broker listed by the
    /// cluster's metadata, at its own address. Today's broker ignores the quorum flags and would run as
    /// separate single nodes; the campaign must not mistake that for a cluster.
    /// </summary>
    public async Task VerifyFormationAsync(CancellationToken cancellationToken)
    {
        await using var admin = Admin();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var cluster = await admin.DescribeClusterAsync(cancellationToken);
            foreach (var broker in cluster.Brokers)
            {
                _network.Guard.CheckUrl(new Uri(broker.Address));
            }

            if (cluster.Brokers.Count == Brokers.Count)
            {
                return;
            }

            if (waited.Elapsed > FormationTimeout)
            {
                throw new LabException($"the {Brokers.Count} brokers did not form one cluster within {FormationTimeout.TotalSeconds:F0} s: the metadata lists {cluster.Brokers.Count} broker(s) ({string.Join(", ", cluster.Brokers.Select(b => $"{b.NodeId}@{b.Address}"))}). "
                    + "A broker without --controller-voters (before issue 8) runs each node alone: run with --brokers 1");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>The partitions of <paramref name="topic"/> each node leads now (for the nemesis log); empty when the cluster cannot say.</summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<int>>> LeadershipAsync(string topic, CancellationToken cancellationToken)
    {
        try
        {
            await using var admin = Admin();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var described = await admin.DescribeTopicsAsync([topic], cancellationToken: timeout.Token);
            return described.SelectMany(t => t.Partitions)
                .GroupBy(p => p.Leader)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)[.. g.Select(p => p.TopicPartition.Partition).Order()]);
        }
        catch (Exception e) when (e is LogBrokerException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new Dictionary<int, IReadOnlyList<int>>();
        }
    }

    /// <summary>
    /// Waits until <paramref name="nodeId"/> is back in the in-sync set of every partition of
    /// <paramref name="topic"/> it replicates (a rolling restart moves on only then, as an operator's
    /// would); false when <paramref name="timeout"/> passes first. With one broker it is at once.
    /// </summary>
    public async Task<bool> WaitUntilInSyncAsync(int nodeId, string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await using var admin = Admin();
        while (waited.Elapsed < timeout)
        {
            try
            {
                var partitions = (await admin.DescribeTopicsAsync([topic], cancellationToken: cancellationToken)).SelectMany(t => t.Partitions).ToList();
                if (partitions.Count > 0 && partitions.All(p => !p.Replicas.Contains(nodeId) || p.InSyncReplicas.Contains(nodeId)))
                {
                    return true;
                }
            }
            catch (LogBrokerException)
            {
                // the cluster is still settling after the restart: ask again
            }

            await Task.Delay(200, cancellationToken);
        }

        return false;
    }

    /// <summary>Stops every broker cleanly, in parallel; the exit code per node (null: killed after <see cref="StopTimeout"/>).</summary>
    public async Task<IReadOnlyDictionary<int, int?>> StopAllAsync()
    {
        var codes = await Task.WhenAll(Brokers.Select(b => b.StopAsync(StopTimeout)));
        return Brokers.Select((b, i) => (b.NodeId, codes[i])).ToDictionary(p => p.NodeId, p => p.Item2);
    }

    /// <summary>Kills every broker at once without waiting (an abort: the clients then fail fast instead of waiting for them).</summary>
    public void KillAllNow()
    {
        foreach (var broker in Brokers)
        {
            broker.KillNow();
        }
    }

    /// <summary>An admin client on the lab's brokers (and nothing else: the bootstrap list was checked).</summary>
    public AdminClient Admin() => new(new AdminClientOptions { BootstrapServers = Bootstrap, RequestTimeout = TimeSpan.FromSeconds(10) });

    /// <summary>Kills every broker still running and closes their logs.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var broker in Brokers)
        {
            await broker.KillAsync();
            broker.Dispose();
        }
    }
}
