using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Consuming;

/// <summary>
/// Commits and fetches a group's offsets at its coordinator, retrying retriable errors (a moved
/// coordinator, a stale member epoch right after a rebalance) within the request timeout. Commits go
/// one at a time, each reading what to commit only when it is sent: a commit never carries offsets
/// older than one that landed before it, nor offsets of a partition this consumer gave up meanwhile.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore's wait handle is never asked for, so it holds nothing to dispose; commits still finishing after the consumer closed may use it.")]
internal sealed class OffsetCommitter(string groupId, CoordinatorLocator coordinators, ClientOptions options)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <param name="offsets">What to commit, read at each attempt (after <paramref name="member"/>); nothing is sent when it is empty.</param>
    /// <param name="member">The member id and epoch to commit as; (empty, -1) outside a subscription.</param>
    /// <returns>The offsets of the attempt that succeeded (empty when there was nothing to commit).</returns>
    public async Task<IReadOnlyList<(TopicPartition Partition, long Offset, string Metadata)>> CommitAsync(Func<IReadOnlyList<(TopicPartition Partition, long Offset, string Metadata)>> offsets, Func<(string MemberId, int Epoch)> member, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            IReadOnlyList<(TopicPartition Partition, long Offset, string Metadata)> sent = [];
            await RetryAsync(
                async (client, deadline) =>
                {
                    // The epoch before the offsets: a partition taken on after the epoch was read is
                    // refused as assigned later (and retried), never sent under an older ownership.
                    var (memberId, epoch) = member();
                    sent = offsets();
                    if (sent.Count == 0)
                    {
                        return (ErrorCode.None, string.Empty);
                    }

                    var request = new CommitOffsetsRequest { GroupId = groupId, MemberId = memberId, MemberEpoch = epoch };
                    request.Offsets.AddRange(sent.Select(o => new OffsetToCommit { Topic = o.Partition.Topic, Partition = o.Partition.Partition, Offset = o.Offset, Metadata = o.Metadata }));
                    var response = await client.CommitOffsetsAsync(request, deadline: deadline, cancellationToken: cancellationToken);
                    if (response.ErrorCode != 0)
                    {
                        return ((ErrorCode)response.ErrorCode, response.ErrorMessage);
                    }

                    var failed = response.Results.FirstOrDefault(r => r.ErrorCode != 0);
                    return failed is null ? (ErrorCode.None, string.Empty) : ((ErrorCode)failed.ErrorCode, $"{failed.Topic}-{failed.Partition}: {failed.ErrorMessage}");
                },
                cancellationToken);
            return sent;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Committed offsets (next offset to consume) with their metadata for the partitions; absent where none is committed.</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>> FetchAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var result = new Dictionary<TopicPartition, OffsetAndMetadata>();
        await RetryAsync(
            async (client, deadline) =>
            {
                var request = new FetchOffsetsRequest { GroupId = groupId };
                request.Partitions.AddRange(partitions.GroupBy(p => p.Topic).Select(g =>
                {
                    var wire = new TopicPartitions { Topic = g.Key };
                    wire.Partitions.AddRange(g.Select(p => p.Partition));
                    return wire;
                }));
                var response = await client.FetchOffsetsAsync(request, deadline: deadline, cancellationToken: cancellationToken);
                if (response.ErrorCode == 0)
                {
                    result.Clear();
                    foreach (var o in response.Offsets.Where(o => o.Offset >= 0))
                    {
                        result[new TopicPartition(o.Topic, o.Partition)] = new OffsetAndMetadata(o.Offset, o.Metadata, DateTimeOffset.FromUnixTimeMilliseconds(o.CommitTimestamp));
                    }
                }

                return ((ErrorCode)response.ErrorCode, response.ErrorMessage);
            },
            cancellationToken);
        return result;
    }

    private async Task RetryAsync(Func<Protocol.Grpc.Groups.GroupsClient, DateTime, Task<(ErrorCode Error, string Message)>> call, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.RequestTimeout;
        for (var attempt = 0; ; attempt++)
        {
            LogBrokerException failure;
            string? address = null;
            try
            {
                address = await coordinators.AddressAsync(groupId, cancellationToken);
                var (error, message) = await call(coordinators.Client(address), deadline);
                if (error == ErrorCode.None)
                {
                    return;
                }

                failure = new LogBrokerException(error, message);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the caller cancelled", e, cancellationToken);
            }
            catch (RpcException e)
            {
                failure = e.ToLogBroker(address ?? "the coordinator");
            }
            catch (LogBrokerException e)
            {
                failure = e;
            }

            if (CoordinatorLocator.MeansCoordinatorMoved(failure.Code))
            {
                coordinators.Forget(groupId);
            }

            if (!failure.IsRetriable || DateTime.UtcNow > deadline)
            {
                throw failure;
            }

            await Task.Delay(TimeSpan.FromTicks(Math.Min(options.RetryBackoffMax.Ticks, options.RetryBackoff.Ticks << Math.Min(attempt, 20))), cancellationToken);
        }
    }
}
