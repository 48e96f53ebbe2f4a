namespace LogBroker.Broker.Partitions;

/// <summary>
/// A fetch's results, in request order. Owns the segment references behind the returned memory:
/// dispose it once the response has been written.
/// </summary>
public sealed class FetchOutcome(FetchPartitionResult[] results) : IDisposable
{
    public IReadOnlyList<FetchPartitionResult> Results => results;

    public void Dispose()
    {
        foreach (var result in results)
        {
            result.Read.Dispose();
        }
    }
}
