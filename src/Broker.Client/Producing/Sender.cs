using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using LogBroker.Client.Internal;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using Microsoft.Extensions.Logging;

namespace LogBroker.Client.Producing;

/// <summary>
/// The producer's I/O loop (Kafka's Sender): drains ready batches, routes each to its partition's
/// leader, packs them into requests (one batch per partition per request, up to the request size
/// limit), and hands responses back to the batches: delivered, retried after back-off (retriable
/// errors, within the delivery timeout; metadata refreshed when leadership may have moved), or failed.
/// </summary>
internal sealed class Sender : IAsyncDisposable
{
    private readonly RecordAccumulator _accumulator;
    private readonly MetadataCache _metadata;
    private readonly ChannelPool _channels;
    private readonly ProducerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ProduceConnection> _connections = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly Protocol.Grpc.Acks _acks;

    public Sender(RecordAccumulator accumulator, MetadataCache metadata, ChannelPool channels, ProducerOptions options, ILogger logger)
    {
        _accumulator = accumulator;
        _metadata = metadata;
        _channels = channels;
        _options = options;
        _logger = logger;
        _acks = options.Acks switch
        {
            Acks.None => Protocol.Grpc.Acks.None,
            Acks.All => Protocol.Grpc.Acks.All,
            _ => Protocol.Grpc.Acks.Leader,
        };
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

        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var drained = new List<ProducerBatch>();
        var byLeader = new Dictionary<string, List<ProducerBatch>>(StringComparer.Ordinal);
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var now = Stopwatch.GetTimestamp();
                drained.Clear();
                _accumulator.Drain(now, drained, out var nextWake);
                if (drained.Count == 0)
                {
                    var wait = nextWake == long.MaxValue ? Timeout.InfiniteTimeSpan : Stopwatch.GetElapsedTime(now, Math.Max(now, nextWake));
                    await _accumulator.WaitForWorkAsync(wait, token);
                    continue;
                }

                byLeader.Clear();
                foreach (var batch in drained)
                {
                    if (Stopwatch.GetElapsedTime(batch.CreatedTicks) > _options.DeliveryTimeout)
                    {
                        Fail(batch, new LogBrokerException(ErrorCode.RequestTimedOut, $"{batch.Partition}: {batch.RecordCount} record(s) not delivered within {_options.DeliveryTimeout.TotalSeconds:F0} s"));
                        continue;
                    }

                    try
                    {
                        var leader = await _metadata.LeaderAddressAsync(batch.Partition, token);
                        if (!byLeader.TryGetValue(leader, out var list))
                        {
                            byLeader[leader] = list = [];
                        }

                        list.Add(batch);
                    }
                    catch (LogBrokerException e)
                    {
                        RetryOrFail(batch, e);
                    }
                }

                foreach (var (leader, batches) in byLeader)
                {
                    await SendToAsync(leader, batches, token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError(e, "Producer send loop failed; continuing");
            }
        }
    }

    private async Task SendToAsync(string leader, List<ProducerBatch> batches, CancellationToken token)
    {
        var connection = _connections.GetOrAdd(leader, address => new ProduceConnection(address, _channels, _options.MaxInFlightRequests, OnDone));
        var remaining = batches;
        while (remaining.Count > 0)
        {
            // One batch per partition per request keeps each partition's batches in order on the wire.
            var request = new ProduceRequest { Acks = _acks, TimeoutMs = (int)_options.RequestTimeout.TotalMilliseconds };
            var inRequest = new List<ProducerBatch>();
            var later = new List<ProducerBatch>();
            var topics = new Dictionary<string, TopicProduceData>(StringComparer.Ordinal);
            var partitions = new HashSet<(string, int)>();
            long bytes = 0;
            foreach (var batch in remaining)
            {
                var fits = inRequest.Count == 0 || bytes + batch.Bytes.Length <= _options.MaxRequestSize;
                if (!fits || !partitions.Add((batch.Partition.Topic, batch.Partition.Partition)))
                {
                    later.Add(batch);
                    continue;
                }

                if (!topics.TryGetValue(batch.Partition.Topic, out var topic))
                {
                    topics[batch.Partition.Topic] = topic = new TopicProduceData { Topic = batch.Partition.Topic };
                    request.Topics.Add(topic);
                }

                // No copy: the batch keeps its bytes until it completes, and the request is serialised before the write returns.
                topic.Partitions.Add(new PartitionProduceData { Partition = batch.Partition.Partition, Records = UnsafeByteOperations.UnsafeWrap(batch.Bytes) });
                inRequest.Add(batch);
                bytes += batch.Bytes.Length;
            }

            foreach (var batch in inRequest)
            {
                batch.Attempts++;
            }

            await connection.SendAsync(request, [.. inRequest], token);
            remaining = later;
        }
    }

    private void OnDone(ProduceConnection.PendingRequest pending, ProduceResponse? response, LogBrokerException? failure)
    {
        if (failure is not null)
        {
            foreach (var batch in pending.Batches)
            {
                RetryOrFail(batch, failure);
            }

            return;
        }

        if (response is null)
        {
            foreach (var batch in pending.Batches)
            {
                Deliver(batch, -1, -1); // acks=none: sent is all we know
            }

            return;
        }

        foreach (var batch in pending.Batches)
        {
            var result = Find(response, batch);
            if (result is null)
            {
                RetryOrFail(batch, new LogBrokerException(ErrorCode.InvalidRequest, $"the broker's response has no result for {batch.Partition}"));
            }
            else if (result.ErrorCode == 0)
            {
                Deliver(batch, result.BaseOffset, result.LogAppendTime);
            }
            else
            {
                RetryOrFail(batch, new LogBrokerException((ErrorCode)result.ErrorCode, result.ErrorMessage));
            }
        }
    }

    private static PartitionProduceResult? Find(ProduceResponse response, ProducerBatch batch)
    {
        foreach (var topic in response.Topics)
        {
            if (topic.Topic != batch.Partition.Topic)
            {
                continue;
            }

            foreach (var partition in topic.Partitions)
            {
                if (partition.Partition == batch.Partition.Partition)
                {
                    return partition;
                }
            }
        }

        return null;
    }

    private void RetryOrFail(ProducerBatch batch, LogBrokerException error)
    {
        var age = Stopwatch.GetElapsedTime(batch.CreatedTicks);
        if (!error.IsRetriable || batch.Attempts > _options.Retries || age > _options.DeliveryTimeout || _stopping.IsCancellationRequested)
        {
            Fail(batch, error);
            return;
        }

        if (error.Code is ErrorCode.NotLeaderOrFollower or ErrorCode.UnknownTopicOrPartition or ErrorCode.LeaderNotAvailable or ErrorCode.NetworkException)
        {
            _metadata.Invalidate(batch.Partition.Topic);
        }

        var backoff = TimeSpan.FromTicks(Math.Min(_options.RetryBackoffMax.Ticks, _options.RetryBackoff.Ticks << Math.Min(batch.Attempts, 20)));
        batch.RetryAtTicks = Stopwatch.GetTimestamp() + (long)(backoff.TotalSeconds * Stopwatch.Frequency);
        _logger.LogDebug("Retrying {Partition} after {Error} (attempt {Attempt})", batch.Partition, error.Code, batch.Attempts);
        _accumulator.Requeue(batch);
    }

    private void Deliver(ProducerBatch batch, long baseOffset, long logAppendTime)
    {
        batch.Complete(baseOffset, logAppendTime);
        _accumulator.Release(batch);
    }

    private void Fail(ProducerBatch batch, LogBrokerException error)
    {
        _logger.LogWarning("Failed to deliver {Count} record(s) to {Partition}: {Error}", batch.RecordCount, batch.Partition, error.Message);
        batch.Fail(error);
        _accumulator.Release(batch);
    }
}
