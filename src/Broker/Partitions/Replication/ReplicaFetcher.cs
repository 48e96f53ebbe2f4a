using System.Collections.Concurrent;
using System.Diagnostics;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Partitions.Replication;

/// <summary>
/// Copies every partition this broker follows from one leader broker (Kafka's ReplicaFetcherThread):
/// first, per partition, asks the leader where this replica's last epoch ended and cuts any divergent
/// tail (KIP-101/279); then fetches from the log end in one long-poll request for all of them, appends
/// what comes back verbatim and takes the leader's high watermark. Errors that a metadata change
/// resolves (not leader, fenced or unknown epoch) pause the partition briefly; the replica manager
/// moves it to the right fetcher when the metadata arrives.
/// </summary>
internal sealed class ReplicaFetcher : IAsyncDisposable
{
    private int _disposed;

    private readonly int _leaderId;
    private readonly int _localBrokerId;
    private readonly Func<int, string?> _addressOf;
    private readonly Func<long> _brokerEpoch;
    private readonly IReplicaFetchClientFactory _clients;
    private readonly ReplicaFetcherOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, FollowerFetchState> _partitions = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public ReplicaFetcher(int leaderId, int localBrokerId, Func<int, string?> addressOf, Func<long> brokerEpoch, IReplicaFetchClientFactory clients, ReplicaFetcherOptions options, ILogger logger)
    {
        _leaderId = leaderId;
        _localBrokerId = localBrokerId;
        _addressOf = addressOf;
        _brokerEpoch = brokerEpoch;
        _clients = clients;
        _options = options;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public int LeaderId => _leaderId;

    public int PartitionCount => _partitions.Count;

    /// <summary>Per partition, records behind the leader at the last fetch (-1 before the first).</summary>
    public IEnumerable<(TopicPartition Partition, long LagRecords)> Lags => _partitions.Select(p => (p.Key, p.Value.LagRecords));

    public void Add(Partition partition, int leaderEpoch)
    {
        _partitions[partition.TopicPartition] = new FollowerFetchState(partition, leaderEpoch);
        _changed.Release();
    }

    public bool Remove(TopicPartition partition) => _partitions.TryRemove(partition, out _);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // stopped by the lifecycle already; the container disposes it again
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
        _changed.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var active = _partitions.Values.Where(s => s.PausedUntil <= Stopwatch.GetTimestamp()).ToList();
                var address = _addressOf(_leaderId);
                if (active.Count == 0 || address is null)
                {
                    await _changed.WaitAsync(_options.Backoff, token);
                    continue;
                }

                var client = _clients.For(address);
                var truncating = active.Where(s => s.NeedsTruncation).ToList();
                if (truncating.Count > 0)
                {
                    await TruncateAsync(client, truncating, token);
                }

                var fetching = active.Where(s => !s.NeedsTruncation).ToList();
                if (fetching.Count > 0)
                {
                    await FetchAsync(client, fetching, token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (IOException e)
            {
                _logger.LogDebug("Replica fetch from node {Leader} failed: {Message}", _leaderId, e.Message);
                await Task.Delay(_options.Backoff, token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError(e, "Replica fetcher for leader {Leader} failed; retrying", _leaderId);
                await Task.Delay(_options.Backoff, token);
            }
        }
    }

    /// <summary>
    /// KIP-279: ask for the end of this replica's latest epoch on the leader; the leader answers with
    /// the largest epoch it has at most that one, and where it ended. Cut to the smaller of that end and
    /// this replica's own end of the same epoch; everything before is identical on both.
    /// </summary>
    private async Task TruncateAsync(IReplicaFetchClient client, List<FollowerFetchState> states, CancellationToken token)
    {
        var queries = new List<EpochQuery>();
        var pending = new List<FollowerFetchState>();
        foreach (var state in states)
        {
            var log = state.Partition.Log;
            var latest = log.LeaderEpochs.LatestEpoch;
            if (latest < 0 || log.LogEndOffset == log.LogStartOffset)
            {
                state.NeedsTruncation = false; // nothing of its own that could diverge
                continue;
            }

            queries.Add(new EpochQuery(state.Partition.TopicPartition, state.LeaderEpoch, latest));
            pending.Add(state);
        }

        if (queries.Count == 0)
        {
            return;
        }

        var answers = await client.OffsetsForLeaderEpochAsync(queries, token);
        foreach (var state in pending)
        {
            var answer = answers.FirstOrDefault(a => a.TopicPartition == state.Partition.TopicPartition);
            if (answer.Error != ErrorCode.None)
            {
                Pause(state, answer.Error, answer.Message);
                continue;
            }

            var log = state.Partition.Log;
            long target;
            if (answer.Epoch < 0)
            {
                target = log.HighWatermark; // the leader knows no epoch this old: keep only what was committed
            }
            else
            {
                var (ownEpoch, ownEnd) = log.LeaderEpochs.EndOffsetFor(answer.Epoch, log.LogEndOffset);
                target = ownEpoch == answer.Epoch ? Math.Min(answer.EndOffset, ownEnd) : Math.Min(answer.EndOffset, Math.Max(ownEnd, log.LogStartOffset));
            }

            if (target < log.LogEndOffset)
            {
                _logger.LogInformation("{TopicPartition}: truncating from {LogEnd} to {Target} before following leader {Leader} (epoch {Epoch})", state.Partition.TopicPartition, log.LogEndOffset, target, _leaderId, state.LeaderEpoch);
            }

            if (state.Partition.TruncateAsFollower(target, state.LeaderEpoch))
            {
                state.NeedsTruncation = false;
            }
        }
    }

    private async Task FetchAsync(IReplicaFetchClient client, List<FollowerFetchState> states, CancellationToken token)
    {
        var requested = new List<ReplicaFetchPartition>(states.Count);
        foreach (var state in states)
        {
            requested.Add(new ReplicaFetchPartition(state.Partition.TopicPartition, state.Partition.Log.LogEndOffset, state.LeaderEpoch, _options.PartitionMaxBytes));
        }

        using var response = await client.FetchAsync(new ReplicaFetchRequest(_localBrokerId, _brokerEpoch(), _options.MaxWait, 1, _options.ResponseMaxBytes, requested), token);
        foreach (var result in response.Partitions)
        {
            if (!_partitions.TryGetValue(result.TopicPartition, out var state) || !states.Contains(state))
            {
                continue; // moved or removed while the fetch was out
            }

            switch (result.Error)
            {
                case ErrorCode.None:
                    var appended = state.Partition.AppendAsFollower(result.Records, state.LeaderEpoch, result.HighWatermark);
                    if (appended.Error != ErrorCode.None)
                    {
                        Pause(state, appended.Error, appended.ErrorMessage);
                    }
                    else
                    {
                        state.LagRecords = Math.Max(0, result.LogEndOffset - state.Partition.Log.LogEndOffset);
                    }

                    break;
                case ErrorCode.OffsetOutOfRange when state.Partition.Log.LogEndOffset < result.LogStartOffset:
                    _logger.LogInformation("{TopicPartition}: the leader's log starts at {Start}, after this replica's end; starting over there", result.TopicPartition, result.LogStartOffset);
                    state.Partition.RestartAsFollowerAt(result.LogStartOffset, state.LeaderEpoch);
                    break;
                case ErrorCode.OffsetOutOfRange:
                    state.NeedsTruncation = true; // ahead of the leader: find where the logs diverge
                    break;
                default:
                    Pause(state, result.Error, result.Message);
                    break;
            }
        }
    }

    private void Pause(FollowerFetchState state, ErrorCode error, string? message)
    {
        _logger.LogDebug("{TopicPartition}: leader {Leader} answered {Error} ({Message}); pausing until the metadata catches up", state.Partition.TopicPartition, _leaderId, error, message);
        state.PausedUntil = Stopwatch.GetTimestamp() + (long)(_options.Backoff.TotalSeconds * Stopwatch.Frequency);
    }
}
