using System.Threading.Channels;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Client.Consuming;

/// <summary>
/// Keeps one fetcher running per partition leader that has assigned partitions to fetch, resolves
/// special positions (beginning, end, committed) before fetching, and reacts to fetch errors: retriable
/// ones refresh metadata and retry, out-of-range applies <see cref="AutoOffsetReset"/>, others go to the
/// application through the prefetch channel.
/// </summary>
internal sealed class FetcherSupervisor : IAsyncDisposable
{
    private readonly ConsumerOptions _options;
    private readonly MetadataCache _metadata;
    private readonly ChannelPool _channels;
    private readonly OffsetLookup _offsets;
    private readonly AssignmentTable _assignment;
    private readonly ChannelWriter<FetchedChunk> _output;
    private readonly Func<IReadOnlyList<TopicPartition>, CancellationToken, Task<IReadOnlyDictionary<TopicPartition, long>>>? _committed;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Task> _fetchers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public FetcherSupervisor(
        ConsumerOptions options,
        MetadataCache metadata,
        ChannelPool channels,
        OffsetLookup offsets,
        AssignmentTable assignment,
        ChannelWriter<FetchedChunk> output,
        Func<IReadOnlyList<TopicPartition>, CancellationToken, Task<IReadOnlyDictionary<TopicPartition, long>>>? committed,
        ILogger logger)
    {
        _options = options;
        _metadata = metadata;
        _channels = channels;
        _offsets = offsets;
        _assignment = assignment;
        _output = output;
        _committed = committed;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        var attempt = 0;
        while (!token.IsCancellationRequested)
        {
            var changed = _assignment.Changed;
            try
            {
                await ResolveResetsAsync(token);
                var byLeader = new Dictionary<string, List<PartitionState>>(StringComparer.Ordinal);
                foreach (var target in _assignment.Fetchable())
                {
                    var leader = await _metadata.LeaderAddressAsync(target.State.Partition, token);
                    if (!byLeader.TryGetValue(leader, out var list))
                    {
                        byLeader[leader] = list = [];
                    }

                    list.Add(target.State);
                }

                foreach (var (leader, states) in byLeader)
                {
                    if (_fetchers.TryGetValue(leader, out var running) && !running.IsCompleted)
                    {
                        continue;
                    }

                    // Evaluated on every fetch, so partitions assigned later to this leader join the running fetcher.
                    List<FetchTarget> Targets() => _assignment.Fetchable(
                        s => _metadata.TryGetLeaderAddress(s.Partition, out var address) && address == leader,
                        _options.FetchObserver);
                    _fetchers[leader] = _options.FetchMode == FetchMode.Push
                        ? Task.Run(() => new PushFetcher(leader, _channels, _options, _assignment, _output, OnErrorAsync).RunAsync(Targets, token), token)
                        : Task.Run(() => new PollFetcher(leader, _channels, _options, _assignment, _output, OnErrorAsync).RunAsync(Targets, token), token);
                }

                attempt = 0;
                var running2 = _fetchers.Values.Where(t => !t.IsCompleted).ToList();
                await Task.WhenAny([changed, .. running2, Task.Delay(Timeout.Infinite, token)]);
            }
            catch (Exception e) when (token.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException or LogBrokerException)
            {
                break; // stopping: a call cut short by it is not an error
            }
            catch (LogBrokerException e)
            {
                _logger.LogDebug("Consumer fetch set-up failed: {Error}; retrying", e.Message);
                var delay = TimeSpan.FromTicks(Math.Min(_options.RetryBackoffMax.Ticks, _options.RetryBackoff.Ticks << Math.Min(++attempt, 20)));
                if (!e.IsRetriable && e.Code != ErrorCode.UnknownTopicOrPartition)
                {
                    // Generation -1: an error of the whole consumer, not of one position.
                    await _output.WriteAsync(new FetchedChunk(new PartitionState(new TopicPartition(string.Empty, -1)), -1, default, -1, e.Code, e.Message), token);
                }

                await Task.WhenAny(changed, Task.Delay(delay, token));
            }
        }

        await Task.WhenAll(_fetchers.Values.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default)));
    }

    private async Task ResolveResetsAsync(CancellationToken token)
    {
        var pending = _assignment.PendingResets();
        if (pending.Count == 0)
        {
            return;
        }

        var stored = pending.Where(p => p.Special == Offset.Stored).ToList();
        var committed = stored.Count > 0 && _committed is not null
            ? await _committed([.. stored.Select(p => p.State.Partition)], token)
            : new Dictionary<TopicPartition, long>();
        var lookups = new List<(PartitionState State, int Generation, TopicPartition Partition, long Spec)>();
        foreach (var (state, generation, special) in pending)
        {
            if (special == Offset.Stored && committed.TryGetValue(state.Partition, out var offset) && offset >= 0)
            {
                _assignment.CompleteReset(state, generation, offset);
                continue;
            }

            var spec = special switch
            {
                Offset.Beginning => OffsetSpecs.Earliest,
                Offset.End => OffsetSpecs.Latest,
                _ => _options.AutoOffsetReset switch
                {
                    AutoOffsetReset.Earliest => OffsetSpecs.Earliest,
                    AutoOffsetReset.Latest => OffsetSpecs.Latest,
                    _ => throw new LogBrokerException(ErrorCode.OffsetOutOfRange, $"{state.Partition} has no committed offset and AutoOffsetReset is Error"),
                },
            };
            lookups.Add((state, generation, state.Partition, spec));
        }

        if (lookups.Count == 0)
        {
            return;
        }

        var found = await _offsets.ListAsync(lookups.Select(l => (l.Partition, l.Spec)), token);
        foreach (var (state, generation, partition, _) in lookups)
        {
            _assignment.CompleteReset(state, generation, found[partition].Offset);
        }
    }

    private async ValueTask OnErrorAsync(FetchTarget target, ErrorCode error, string message)
    {
        if (error == ErrorCode.OffsetOutOfRange && _options.AutoOffsetReset != AutoOffsetReset.Error)
        {
            _logger.LogInformation("{Partition}: offset {Offset} is out of range ({Message}); resetting to the {Reset}", target.State.Partition, target.FetchPosition, message, _options.AutoOffsetReset);
            _assignment.ResetTo(target.State, _options.AutoOffsetReset == AutoOffsetReset.Earliest ? Offset.Beginning : Offset.End);
            return;
        }

        if (error.IsRetriable())
        {
            _metadata.Invalidate(target.State.Partition.Topic);
            return; // the fetcher backs off; the supervisor re-routes
        }

        if (_assignment.TryHoldFetch(target))
        {
            await _output.WriteAsync(new FetchedChunk(target.State, target.Generation, default, -1, error, message), _stopping.Token);
        }
    }
}
