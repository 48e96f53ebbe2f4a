using Grpc.Core;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Consuming;

/// <summary>
/// Commits and fetches a group's offsets at its coordinator, retrying retriable errors (a moved
/// coordinator, a stale member epoch right after a rebalance) within the request timeout.
/// </summary>
internal sealed class OffsetCommitter(string groupId, CoordinatorLocator coordinators, ClientOptions options)
{
    /// <param name="member">The member id and epoch to commit as; (empty, -1) outside a subscription.</param>
    public async Task CommitAsync(IReadOnlyCollection<(TopicPartition Partition, long Offset, string Metadata)> offsets, Func<(string MemberId, int Epoch)> member, CancellationToken cancellationToken)
    {
        if (offsets.Count == 0)
        {
            return;
        }

        await RetryAsync(
            async (client, deadline) =>
            {
                var (memberId, epoch) = member();
                var request = new CommitOffsetsRequest { GroupId = groupId, MemberId = memberId, MemberEpoch = epoch };
                request.Offsets.AddRange(offsets.Select(o => new OffsetToCommit { Topic = o.Partition.Topic, Partition = o.Partition.Partition, Offset = o.Offset, Metadata = o.Metadata }));
                var response = await client.CommitOffsetsAsync(request, deadline: deadline, cancellationToken: cancellationToken);
                if (response.ErrorCode != 0)
                {
                    return ((ErrorCode)response.ErrorCode, response.ErrorMessage);
                }

                var failed = response.Results.FirstOrDefault(r => r.ErrorCode != 0);
                return failed is null ? (ErrorCode.None, string.Empty) : ((ErrorCode)failed.ErrorCode, $"{failed.Topic}-{failed.Partition}: {failed.ErrorMessage}");
            },
            cancellationToken);
    }

    /// <summary>Committed offsets (next offset to consume) for the partitions; absent where none is committed.</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, long>> FetchAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var result = new Dictionary<TopicPartition, long>();
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
                        result[new TopicPartition(o.Topic, o.Partition)] = o.Offset;
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
