using System.Threading.Channels;
using Grpc.Core;
using LogBroker.Client.Internal;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Framing;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Consuming;

/// <summary>
/// Long-poll fetching from one leader: one fetch in flight for all its assigned partitions; what comes
/// back goes into the consumer's prefetch channel (waiting when it is full, which is what bounds
/// prefetching), and the next fetch starts from where the data ended. Responses are records frames
/// (<see cref="FramedFetchMethods.FetchRecords"/>): each partition's chunk is a slice of the one pooled
/// buffer the response was received into, and holds a reference on it.
/// </summary>
internal sealed class PollFetcher(string leader, ChannelPool channels, ConsumerOptions options, AssignmentTable assignment, ChannelWriter<FetchedChunk> output, Func<FetchTarget, ErrorCode, string, ValueTask> onError)
{
    public async Task RunAsync(Func<List<FetchTarget>> targets, CancellationToken cancellationToken)
    {
        var invoker = channels.For(leader).CreateCallInvoker();
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = assignment.Changed;
            var fetchable = targets();
            if (fetchable.Count == 0)
            {
                return; // the supervisor starts a new fetcher when there is work for this leader again
            }

            var request = new FetchRequest
            {
                MaxWaitMs = (int)options.FetchMaxWait.TotalMilliseconds,
                MinBytes = options.FetchMinBytes,
                MaxBytes = options.FetchMaxBytes,
            };
            // Results are matched back by (topic, partition), not by position: the request groups
            // partitions by topic, so its order differs from the assignment's.
            var byPartition = new Dictionary<(string Topic, int Partition), FetchTarget>(fetchable.Count);
            foreach (var group in fetchable.GroupBy(t => t.State.Partition.Topic))
            {
                var topic = new TopicFetchData { Topic = group.Key };
                foreach (var target in group)
                {
                    byPartition[(group.Key, target.State.Partition.Partition)] = target;
                    topic.Partitions.Add(new PartitionFetchData { Partition = target.State.Partition.Partition, FetchOffset = target.FetchPosition, MaxBytes = options.MaxPartitionFetchBytes });
                }

                request.Topics.Add(topic);
            }

            RecordsFrame<RecordsFrameHeader> response;
            try
            {
                using var call = invoker.AsyncUnaryCall(FramedFetchMethods.FetchRecords, null, new CallOptions(deadline: DateTime.UtcNow + options.FetchMaxWait + options.RequestTimeout, cancellationToken: cancellationToken), request);
                response = await call.ResponseAsync.WaitAsync(cancellationToken);
                attempt = 0;
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                foreach (var target in fetchable)
                {
                    await onError(target, ErrorCode.NetworkException, e.ToLogBroker(leader).Message);
                }

                await Backoff(++attempt, changed, cancellationToken);
                return;
            }

            bool anyData;
            using (response)
            {
                anyData = await DeliverAsync(response, byPartition, cancellationToken);
            }

            if (!anyData && fetchable.Count > 0 && options.FetchMaxWait == TimeSpan.Zero)
            {
                await Task.WhenAny(changed, Task.Delay(options.RetryBackoff, cancellationToken)); // a zero wait would otherwise spin
            }
        }
    }

    /// <summary>Hands each partition's slice of the frame to the consumer; true when any had records.</summary>
    private async Task<bool> DeliverAsync(RecordsFrame<RecordsFrameHeader> response, Dictionary<(string Topic, int Partition), FetchTarget> byPartition, CancellationToken cancellationToken)
    {
        var buffer = response.Records!;
        var slicer = new FrameSlicer(buffer.Memory);
        var anyData = false;
        foreach (var result in response.Header.Partitions)
        {
            if (!slicer.TryNext(result, out var records))
            {
                foreach (var each in byPartition.Values)
                {
                    await onError(each, ErrorCode.CorruptMessage, $"{leader} sent a fetch response whose records lengths run past its {buffer.Length} record bytes");
                }

                return anyData;
            }

            if (!byPartition.TryGetValue((result.Topic, result.Partition), out var target))
            {
                continue; // not asked for: nothing to deliver it to
            }

            if (result.ErrorCode != 0)
            {
                await onError(target, (ErrorCode)result.ErrorCode, result.ErrorMessage);
                continue;
            }

            if (records.IsEmpty)
            {
                assignment.TryAdvanceFetch(target, target.FetchPosition, result.HighWatermark);
                continue;
            }

            var next = BatchCursor.NextOffsetAfter(records.Span);
            if (next >= 0 && assignment.TryAdvanceFetch(target, next, result.HighWatermark))
            {
                anyData = true;
                buffer.AddReference();
                var chunk = new FetchedChunk(target.State, target.Generation, records, result.HighWatermark, ErrorCode.None, null, buffer);
                if (!output.TryWrite(chunk))
                {
                    try
                    {
                        await output.WriteAsync(chunk, cancellationToken);
                    }
                    catch
                    {
                        chunk.Release();
                        throw;
                    }
                }
            }
        }

        return anyData;
    }

    private async Task Backoff(int attempt, Task changed, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromTicks(Math.Min(options.RetryBackoffMax.Ticks, options.RetryBackoff.Ticks << Math.Min(attempt, 20)));
        await Task.WhenAny(changed, Task.Delay(delay, cancellationToken));
    }
}
