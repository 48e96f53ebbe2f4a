using System.Threading.Channels;
using Grpc.Core;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Framing;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Consuming;

/// <summary>
/// Server push from one leader: a Subscribe stream over all its assigned partitions from their fetch
/// positions. Pushed batches go into the consumer's prefetch channel; when it is full this stops
/// reading the stream and HTTP/2 flow control stops the broker. Any change to the assignment or a
/// position ends the stream; the supervisor opens a new one from the new positions. Pushed messages
/// are records frames (<see cref="FramedFetchMethods.SubscribeRecords"/>): a chunk is the pooled
/// buffer its frame was received into, with the frame's reference handed on to it.
/// </summary>
internal sealed class PushFetcher(string leader, ChannelPool channels, ConsumerOptions options, AssignmentTable assignment, ChannelWriter<FetchedChunk> output, Func<FetchTarget, ErrorCode, string, ValueTask> onError)
{
    public async Task RunAsync(Func<List<FetchTarget>> targets, CancellationToken cancellationToken)
    {
        var changed = assignment.Changed;
        var changeToken = assignment.ChangeToken;
        var fetchable = targets();
        if (fetchable.Count == 0)
        {
            return;
        }

        var byPartition = fetchable.ToDictionary(t => t.State.Partition);
        var request = new SubscribeRequest { MaxBytes = options.MaxPartitionFetchBytes };
        request.Partitions.AddRange(fetchable.Select(t => new LogBroker.Protocol.Grpc.TopicPartitionOffset { Topic = t.State.Partition.Topic, Partition = t.State.Partition.Partition, Offset = t.FetchPosition }));

        using var streamScope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, changeToken);
        var invoker = channels.For(leader).CreateCallInvoker();
        try
        {
            using var call = invoker.AsyncServerStreamingCall(FramedFetchMethods.SubscribeRecords, null, new CallOptions(cancellationToken: streamScope.Token), request);
            while (await call.ResponseStream.MoveNext(streamScope.Token))
            {
                using var frame = call.ResponseStream.Current;
                if (!await DeliverAsync(frame, byPartition, cancellationToken))
                {
                    return; // an error, a moved position or a malformed frame: this stream is done
                }
            }
        }
        catch (RpcException e) when (!streamScope.IsCancellationRequested)
        {
            foreach (var target in fetchable)
            {
                await onError(target, ErrorCode.NetworkException, e.ToLogBroker(leader).Message);
            }

            var delay = options.RetryBackoff;
            await Task.WhenAny(changed, Task.Delay(delay, cancellationToken));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the assignment changed: the supervisor reopens from the new positions
        }
        catch (RpcException) when (streamScope.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // cancelled because the assignment changed
        }
    }

    /// <summary>Passes a pushed frame's chunk on to the consumer; false when the stream should end.</summary>
    private async ValueTask<bool> DeliverAsync(RecordsFrame<RecordsFrameHeader> frame, Dictionary<TopicPartition, FetchTarget> byPartition, CancellationToken cancellationToken)
    {
        var buffer = frame.Records!;
        var slicer = new FrameSlicer(buffer.Memory);
        foreach (var pushed in frame.Header.Partitions)
        {
            if (!slicer.TryNext(pushed, out var records))
            {
                foreach (var each in byPartition.Values)
                {
                    await onError(each, ErrorCode.CorruptMessage, $"{leader} pushed a frame whose records lengths run past its {buffer.Length} record bytes");
                }

                return false;
            }

            if (!byPartition.TryGetValue(new TopicPartition(pushed.Topic, pushed.Partition), out var target))
            {
                continue;
            }

            if (pushed.ErrorCode != 0)
            {
                await onError(target, (ErrorCode)pushed.ErrorCode, pushed.ErrorMessage);
                return false; // the stream no longer serves that partition: start over
            }

            var next = BatchCursor.NextOffsetAfter(records.Span);
            if (next < 0 || !assignment.TryAdvanceFetch(target, next, pushed.HighWatermark))
            {
                return false; // the position moved: this stream is stale
            }

            byPartition[target.State.Partition] = target with { FetchPosition = next };
            buffer.AddReference();
            var chunk = new FetchedChunk(target.State, target.Generation, records, pushed.HighWatermark, ErrorCode.None, null, buffer);
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

        return true;
    }
}
