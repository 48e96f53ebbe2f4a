using System.Globalization;
using Grpc.Core;
using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// A reader that follows every partition from offset 0 for the whole campaign, straight over the Fetch
/// RPC (long polls to each partition's leader), so it sees every batch as served, headers included:
/// each batch is checked (<see cref="PartitionStream"/>: CRC, density, epochs never going back), each
/// record is noted in <see cref="ObservedRecords"/> for the dirty-read check, and an OFFSET_OUT_OF_RANGE
/// below what it had already read is recorded as records lost after they were served. Routing errors
/// are counted and retried. One task.
/// </summary>
public sealed class TailReader : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(200);
    private readonly LeaderRouter _router;
    private readonly string _topic;
    private readonly ObservedRecords _observed;
    private readonly ViolationLog _violations;
    private readonly ErrorTally _errors;
    private readonly PartitionStream[] _streams;

    public TailReader(LeaderRouter router, string topic, int partitions, ObservedRecords observed, ViolationLog violations, ErrorTally errors)
    {
        _router = router;
        _topic = topic;
        _observed = observed;
        _violations = violations;
        _errors = errors;
        _streams = [.. Enumerable.Range(0, partitions).Select(p => new PartitionStream("tail reader", p, violations))];
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var leaders = await _router.LeadersAsync(_errors, stop);
                var byLeader = _streams.Where(s => leaders.ContainsKey(s.Partition)).GroupBy(s => leaders[s.Partition]).ToList();
                if (byLeader.Count == 0 || byLeader.Sum(g => g.Count()) < _streams.Length)
                {
                    _router.Invalidate();
                }

                if (byLeader.Count == 0)
                {
                    await Task.Delay(Backoff, stop);
                    continue;
                }

                await Task.WhenAll(byLeader.Select(g => FetchFromAsync(g.Key, [.. g], stop)));
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or RpcException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        foreach (var stream in _streams)
        {
            stream.Dispose();
        }
    }

    private async Task FetchFromAsync(string leader, List<PartitionStream> streams, CancellationToken stop)
    {
        try
        {
            var results = await RawFetch.FromAsync(_router, leader, _topic, streams.Select(s => (s.Partition, s.NextOffset)), MaxWait, stop);
            foreach (var result in results)
            {
                var stream = _streams[result.Partition];
                var error = (ErrorCode)result.ErrorCode;
                if (error == ErrorCode.None)
                {
                    stream.Feed(result.Records.Memory, (offset, id) => _observed.Observe(stream.Partition, offset, id));
                }
                else if (error == ErrorCode.OffsetOutOfRange && result.HighWatermark >= 0 && result.HighWatermark < stream.NextOffset)
                {
                    _violations.Add(Violations.Truncated, string.Create(CultureInfo.InvariantCulture, $"tail reader: partition {stream.Partition} had been served up to offset {stream.NextOffset - 1}, then the log ended at {result.HighWatermark}"));
                    stream.NextOffset = result.HighWatermark;
                }
                else
                {
                    _errors.Count("tail reader fetch", error);
                    _router.Invalidate();
                }
            }
        }
        catch (RpcException e) when (!stop.IsCancellationRequested)
        {
            _errors.Count("tail reader fetch", e.StatusCode == StatusCode.Unavailable ? ErrorCode.NetworkException.ToString() : e.StatusCode.ToString());
            _router.Invalidate();
            await Task.Delay(Backoff, stop);
        }
    }
}
