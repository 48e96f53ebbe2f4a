using System.Collections.Concurrent;
using Grpc.Core;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Internal;

/// <summary>Finds (and caches) the broker coordinating each consumer group; forget it when a broker says NOT_COORDINATOR.</summary>
internal sealed class CoordinatorLocator(MetadataCache metadata, ChannelPool channels, TimeSpan requestTimeout)
{
    private readonly ConcurrentDictionary<string, string> _coordinators = new(StringComparer.Ordinal);

    public async Task<string> AddressAsync(string groupId, CancellationToken cancellationToken)
    {
        if (_coordinators.TryGetValue(groupId, out var address))
        {
            return address;
        }

        if (metadata.Brokers.Count == 0)
        {
            await metadata.RefreshAsync([], cancellationToken);
        }

        var broker = metadata.AnyBrokerAddress();
        FindCoordinatorResponse response;
        try
        {
            var client = new Protocol.Grpc.Groups.GroupsClient(channels.For(broker));
            response = await client.FindCoordinatorAsync(new FindCoordinatorRequest { GroupId = groupId }, deadline: DateTime.UtcNow + requestTimeout, cancellationToken: cancellationToken);
        }
        catch (RpcException e)
        {
            throw e.ToLogBroker(broker);
        }

        if (response.ErrorCode != 0)
        {
            throw new LogBrokerException((ErrorCode)response.ErrorCode, response.ErrorMessage);
        }

        _coordinators[groupId] = response.Address;
        return response.Address;
    }

    public Protocol.Grpc.Groups.GroupsClient Client(string address) => new(channels.For(address));

    public void Forget(string groupId) => _coordinators.TryRemove(groupId, out _);

    /// <summary>Errors after which the coordinator should be looked up again.</summary>
    public static bool MeansCoordinatorMoved(ErrorCode error) =>
        error is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.NetworkException;
}
