using LogBroker.Protocol.Grpc;

namespace LogBroker.Faultlab.Workload;

/// <summary>One Fetch call to one broker for some partitions of a topic, as the raw readers make it: stored bytes back, nothing decoded.</summary>
public static class RawFetch
{
    private const int MaxResponseBytes = 16 * 1024 * 1024;
    private const int MaxPartitionBytes = 4 * 1024 * 1024;

    public static async Task<IReadOnlyList<PartitionFetchResult>> FromAsync(LeaderRouter router, string address, string topic, IEnumerable<(int Partition, long Offset)> positions, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var data = new TopicFetchData { Topic = topic };
        data.Partitions.AddRange(positions.Select(p => new PartitionFetchData { Partition = p.Partition, FetchOffset = p.Offset, MaxBytes = MaxPartitionBytes }));
        var request = new FetchRequest { MaxWaitMs = (int)maxWait.TotalMilliseconds, MinBytes = 1, MaxBytes = MaxResponseBytes, Topics = { data } };
        var response = await router.FetchClient(address).FetchAsync(request, deadline: DateTime.UtcNow + maxWait + TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        return [.. response.Topics.SelectMany(t => t.Partitions)];
    }
}
