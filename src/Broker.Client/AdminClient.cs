using Grpc.Core;
using LogBroker.Client.Admin;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using GroupDescription = LogBroker.Client.Admin.GroupDescription;
using GroupMemberDescription = LogBroker.Client.Admin.GroupMemberDescription;
using TopicDescription = LogBroker.Client.Admin.TopicDescription;
using TopicListing = LogBroker.Client.Admin.TopicListing;
using PartitionDescription = LogBroker.Client.Admin.PartitionDescription;

namespace LogBroker.Client;

/// <summary>
/// Topic and cluster administration: create, delete, list, describe, alter configs, add partitions,
/// look up offsets. Each method throws <see cref="LogBrokerException"/> carrying the broker's error code
/// for the first item that failed; the batch forms return a result per item instead.
/// </summary>
public sealed class AdminClient : IAsyncDisposable
{
    private readonly AdminClientOptions _options;
    private readonly ChannelPool _channels = new();
    private readonly MetadataCache _metadata;
    private readonly OffsetLookup _offsets;
    private readonly CoordinatorLocator _coordinators;

    public AdminClient(AdminClientOptions? options = null)
    {
        _options = options ?? new AdminClientOptions();
        _metadata = new MetadataCache(_channels, _options.BootstrapUris(), _options.RequestTimeout, _options.MetadataMaxAge);
        _offsets = new OffsetLookup(_metadata, _channels, _options.RequestTimeout);
        _coordinators = new CoordinatorLocator(_metadata, _channels, _options.RequestTimeout);
    }

    public Task CreateTopicAsync(string name, int partitions = 1, IReadOnlyDictionary<string, string>? configs = null, CancellationToken cancellationToken = default) =>
        ThrowIfAnyFailed(CreateTopicsAsync([new TopicSpecification(name, partitions, configs)], cancellationToken: cancellationToken));

    /// <summary>Creates topics; one (topic, error code, message) per topic, error code 0 on success.</summary>
    public async Task<IReadOnlyList<(string Topic, ErrorCode Error, string Message)>> CreateTopicsAsync(IEnumerable<TopicSpecification> topics, bool validateOnly = false, CancellationToken cancellationToken = default)
    {
        var request = new CreateTopicsRequest { ValidateOnly = validateOnly };
        foreach (var topic in topics)
        {
            var spec = new NewTopic { Name = topic.Name, Partitions = topic.Partitions, ReplicationFactor = topic.ReplicationFactor };
            foreach (var (key, value) in topic.Configs ?? new Dictionary<string, string>())
            {
                spec.Configs[key] = value;
            }

            request.Topics.Add(spec);
        }

        var response = await CallAsync((admin, options) => admin.CreateTopicsAsync(request, options).ResponseAsync, cancellationToken);
        return Results(response.Results);
    }

    public Task DeleteTopicAsync(string name, CancellationToken cancellationToken = default) => DeleteTopicsAsync([name], cancellationToken);

    public async Task DeleteTopicsAsync(IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        var request = new DeleteTopicsRequest();
        request.Topics.AddRange(names);
        var response = await CallAsync((admin, options) => admin.DeleteTopicsAsync(request, options).ResponseAsync, cancellationToken);
        await ThrowIfAnyFailed(Task.FromResult(Results(response.Results)));
    }

    public async Task<IReadOnlyList<TopicListing>> ListTopicsAsync(bool includeInternal = false, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync((admin, options) => admin.ListTopicsAsync(new ListTopicsRequest { IncludeInternal = includeInternal }, options).ResponseAsync, cancellationToken);
        return [.. response.Topics.Select(t => new TopicListing(t.Name, t.Partitions, t.Internal))];
    }

    /// <summary>Describes the named topics (all topics when none are named).</summary>
    public async Task<IReadOnlyList<TopicDescription>> DescribeTopicsAsync(IEnumerable<string>? names = null, bool includeInternal = false, CancellationToken cancellationToken = default)
    {
        var request = new DescribeTopicsRequest { IncludeInternal = includeInternal };
        request.Topics.AddRange(names ?? []);
        var response = await CallAsync((admin, options) => admin.DescribeTopicsAsync(request, options).ResponseAsync, cancellationToken);
        var result = new List<TopicDescription>();
        foreach (var t in response.Topics)
        {
            RpcErrors.ThrowIfError(t.ErrorCode, t.ErrorMessage);
            result.Add(new TopicDescription(
                t.Name,
                t.TopicId,
                t.Internal,
                [.. t.Partitions.Select(p => new PartitionDescription(new TopicPartition(t.Name, p.Partition), p.Leader, p.LeaderEpoch, [.. p.Replicas], [.. p.Isr], p.LogStartOffset, p.LogEndOffset, p.HighWatermark, p.SizeBytes, p.SegmentCount))],
                t.Configs.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                t.OverrideKeys.ToHashSet(StringComparer.Ordinal)));
        }

        return result;
    }

    /// <summary>Sets and removes topic config overrides; removed ones fall back to the broker's defaults.</summary>
    public async Task AlterTopicConfigAsync(string topic, IReadOnlyDictionary<string, string>? set = null, IEnumerable<string>? remove = null, CancellationToken cancellationToken = default)
    {
        var change = new TopicConfigChange { Topic = topic };
        foreach (var (key, value) in set ?? new Dictionary<string, string>())
        {
            change.Set[key] = value;
        }

        change.Remove.AddRange(remove ?? []);
        var request = new AlterConfigsRequest();
        request.Topics.Add(change);
        var response = await CallAsync((admin, options) => admin.AlterConfigsAsync(request, options).ResponseAsync, cancellationToken);
        await ThrowIfAnyFailed(Task.FromResult(Results(response.Results)));
    }

    /// <summary>Raises a topic's partition count to <paramref name="totalCount"/>.</summary>
    public async Task CreatePartitionsAsync(string topic, int totalCount, CancellationToken cancellationToken = default)
    {
        var request = new CreatePartitionsRequest();
        request.Topics.Add(new PartitionCountChange { Topic = topic, Count = totalCount });
        var response = await CallAsync((admin, options) => admin.CreatePartitionsAsync(request, options).ResponseAsync, cancellationToken);
        await ThrowIfAnyFailed(Task.FromResult(Results(response.Results)));
        _metadata.Invalidate(topic);
    }

    /// <summary>
    /// Offsets by <paramref name="spec"/>: <see cref="OffsetSpecs.Earliest"/>, <see cref="OffsetSpecs.Latest"/>, or a
    /// timestamp (ms since the epoch) for the first record at or after it.
    /// </summary>
    public async Task<IReadOnlyDictionary<TopicPartition, ListedOffset>> ListOffsetsAsync(IEnumerable<TopicPartition> partitions, long spec, CancellationToken cancellationToken = default)
    {
        var found = await _offsets.ListAsync(partitions.Select(p => (p, spec)), cancellationToken);
        return found.ToDictionary(kv => kv.Key, kv => new ListedOffset(kv.Value.Offset, kv.Value.Timestamp));
    }

    /// <summary>All partitions of a topic, as the cluster has them now.</summary>
    public async Task<IReadOnlyList<TopicPartition>> PartitionsOfAsync(string topic, CancellationToken cancellationToken = default)
    {
        _metadata.Invalidate(topic);
        var route = await _metadata.GetTopicAsync(topic, cancellationToken);
        return [.. Enumerable.Range(0, route.PartitionCount).Select(p => new TopicPartition(topic, p))];
    }

    public async Task<ClusterDescription> DescribeClusterAsync(CancellationToken cancellationToken = default)
    {
        var response = await _metadata.RefreshAsync([], cancellationToken);
        return new ClusterDescription(response.ClusterId, response.ControllerId, [.. response.Brokers.Select(b => new BrokerDescription(b.NodeId, b.Address))]);
    }

    /// <summary>Every consumer group, from every broker (each lists the groups it coordinates).</summary>
    public async Task<IReadOnlyList<GroupListingEntry>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        await _metadata.RefreshAsync([], cancellationToken);
        var result = new List<GroupListingEntry>();
        foreach (var address in _metadata.Brokers.Values)
        {
            try
            {
                var response = await _coordinators.Client(address).ListGroupsAsync(new ListGroupsRequest(), deadline: DateTime.UtcNow + _options.RequestTimeout, cancellationToken: cancellationToken);
                result.AddRange(response.Groups.Select(g => new GroupListingEntry(g.GroupId, g.State, g.Members)));
            }
            catch (RpcException e)
            {
                throw e.ToLogBroker(address);
            }
        }

        return [.. result.OrderBy(g => g.GroupId, StringComparer.Ordinal)];
    }

    /// <summary>Describes a group: members and their assignments, committed offsets, log ends and lag.</summary>
    public async Task<GroupDescription> DescribeGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var request = new DescribeGroupsRequest { GroupIds = { groupId } };
        var response = await GroupCallAsync(groupId, (client, options) => client.DescribeGroupsAsync(request, options).ResponseAsync, r => (r.Groups[0].ErrorCode, r.Groups[0].ErrorMessage), cancellationToken);
        var g = response.Groups[0];
        return new GroupDescription(
            g.GroupId,
            g.State,
            g.GroupEpoch,
            g.CoordinatorId,
            [.. g.Members.Select(m => new GroupMemberDescription(
                m.MemberId,
                string.IsNullOrEmpty(m.InstanceId) ? null : m.InstanceId,
                m.MemberEpoch,
                [.. m.SubscribedTopics],
                string.IsNullOrEmpty(m.SubscribedTopicRegex) ? null : m.SubscribedTopicRegex,
                Flatten(m.Assignment),
                Flatten(m.TargetAssignment)))],
            [.. g.Partitions.Select(p => new GroupPartitionLag(new TopicPartition(p.Topic, p.Partition), p.CommittedOffset, p.LogEndOffset, p.Lag, string.IsNullOrEmpty(p.MemberId) ? null : p.MemberId, p.CommittedMetadata))]);
    }

    /// <summary>Deletes a group without members, with its committed offsets (NON_EMPTY_GROUP otherwise).</summary>
    public async Task DeleteGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var request = new DeleteGroupsRequest { GroupIds = { groupId } };
        await GroupCallAsync(groupId, (client, options) => client.DeleteGroupsAsync(request, options).ResponseAsync, r => (r.Results[0].ErrorCode, r.Results[0].ErrorMessage), cancellationToken);
    }

    /// <summary>
    /// Moves a group's committed offsets for a topic (all partitions, or the ones named) to the earliest,
    /// the latest, a time, an exact offset, or shifted by <paramref name="value"/>; clamped to the log.
    /// Refused (NON_EMPTY_GROUP) while the group has members unless <paramref name="force"/>. Returns the new offsets.
    /// </summary>
    public async Task<IReadOnlyDictionary<TopicPartition, long>> ResetGroupOffsetsAsync(string groupId, string topic, OffsetResetTarget target, long value = 0, IEnumerable<int>? partitions = null, bool force = false, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var request = new ResetOffsetsRequest
        {
            GroupId = groupId,
            Topic = topic,
            Kind = target switch
            {
                OffsetResetTarget.Earliest => ResetSpecKind.ResetToEarliest,
                OffsetResetTarget.Latest => ResetSpecKind.ResetToLatest,
                OffsetResetTarget.Timestamp => ResetSpecKind.ResetToTimestamp,
                OffsetResetTarget.Offset => ResetSpecKind.ResetToOffset,
                _ => ResetSpecKind.ResetShiftBy,
            },
            Value = value,
            Force = force,
            DryRun = dryRun,
        };
        request.Partitions.AddRange(partitions ?? []);
        var response = await GroupCallAsync(groupId, (client, options) => client.ResetOffsetsAsync(request, options).ResponseAsync, r => (r.ErrorCode, r.ErrorMessage), cancellationToken);
        return response.Offsets.ToDictionary(o => new TopicPartition(o.Topic, o.Partition), o => o.Offset);
    }

    /// <summary>The group's committed offsets, with their metadata and commit times (all partitions it has committed for).</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>> ListGroupOffsetsAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var response = await GroupCallAsync(groupId, (client, options) => client.FetchOffsetsAsync(new FetchOffsetsRequest { GroupId = groupId }, options).ResponseAsync, r => (r.ErrorCode, r.ErrorMessage), cancellationToken);
        return response.Offsets.ToDictionary(o => new TopicPartition(o.Topic, o.Partition), o => new OffsetAndMetadata(o.Offset, o.Metadata, DateTimeOffset.FromUnixTimeMilliseconds(o.CommitTimestamp)));
    }

    public ValueTask DisposeAsync()
    {
        _channels.Dispose();
        return ValueTask.CompletedTask;
    }

    private static List<TopicPartition> Flatten(IEnumerable<TopicPartitions> partitions) =>
        [.. partitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p)))];

    private async Task<T> GroupCallAsync<T>(string groupId, Func<Protocol.Grpc.Groups.GroupsClient, CallOptions, Task<T>> call, Func<T, (int Code, string Message)> error, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var address = await _coordinators.AddressAsync(groupId, cancellationToken);
            T response;
            try
            {
                response = await call(_coordinators.Client(address), new CallOptions(deadline: DateTime.UtcNow + _options.RequestTimeout, cancellationToken: cancellationToken));
            }
            catch (RpcException e)
            {
                _coordinators.Forget(groupId);
                throw e.ToLogBroker(address);
            }

            var (code, message) = error(response);
            if (code == 0)
            {
                return response;
            }

            if (CoordinatorLocator.MeansCoordinatorMoved((ErrorCode)code) && attempt < 3)
            {
                _coordinators.Forget(groupId);
                continue;
            }

            throw new LogBrokerException((ErrorCode)code, message);
        }
    }

    private static IReadOnlyList<(string Topic, ErrorCode Error, string Message)> Results(IEnumerable<TopicResult> results) =>
        [.. results.Select(r => (r.Topic, (ErrorCode)r.ErrorCode, r.ErrorMessage))];

    private static async Task ThrowIfAnyFailed(Task<IReadOnlyList<(string Topic, ErrorCode Error, string Message)>> results)
    {
        foreach (var (topic, error, message) in await results)
        {
            if (error != ErrorCode.None)
            {
                throw new LogBrokerException(error, string.IsNullOrEmpty(message) ? $"topic '{topic}': {error}" : message);
            }
        }
    }

    private async Task<T> CallAsync<T>(Func<Protocol.Grpc.Admin.AdminClient, CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        if (_metadata.Brokers.Count == 0)
        {
            await _metadata.RefreshAsync([], cancellationToken);
        }

        var address = _metadata.AnyBrokerAddress();
        try
        {
            return await call(new Protocol.Grpc.Admin.AdminClient(_channels.For(address)), new CallOptions(deadline: DateTime.UtcNow + _options.RequestTimeout, cancellationToken: cancellationToken));
        }
        catch (RpcException e)
        {
            throw e.ToLogBroker(address);
        }
    }
}
