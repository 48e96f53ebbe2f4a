using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Records;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// Broker registration and liveness: a starting broker registers (fenced), is unfenced once it has
/// caught up with the metadata log, stays alive by heartbeating, and is fenced when its session
/// expires or a new incarnation of it registers. Fencing takes the broker out of every ISR and moves
/// its leaderships (<see cref="PartitionChanges.RemoveBroker"/>); a controlled shutdown does the same
/// while the broker is still up, so clients only see one retry.
/// </summary>
public sealed partial class QuorumController
{
    public Task<BrokerRegistrationResult> RegisterBrokerAsync(BrokerRegistrationRequest request, CancellationToken cancellationToken) =>
        DecideAsync<BrokerRegistrationResult>(
            (image, records) =>
            {
                if (image.Brokers.TryGetValue(request.NodeId, out var existing) && existing.IncarnationId == request.IncarnationId)
                {
                    _sessions.Touch(existing.NodeId, existing.BrokerEpoch);
                    return _ => new BrokerRegistrationResult(ErrorCode.None, null, existing.BrokerEpoch, image.Offset); // a retried registration
                }

                if (existing is { Fenced: false } && _sessions.IsAlive(existing.NodeId, existing.BrokerEpoch))
                {
                    return _ => new BrokerRegistrationResult(
                        ErrorCode.DuplicateBrokerRegistration,
                        $"node {request.NodeId} is registered by another process that is still heartbeating (or stopped less than {_options.BrokerSessionTimeout.TotalSeconds:F0} s ago); retry",
                        -1,
                        image.Offset);
                }

                // Whatever this node led or was in sync for belonged to its previous incarnation: out
                // of service until the new one has caught up and been unfenced.
                var removed = RemoveFromService(image, [request.NodeId], records);
                if (existing is { Fenced: false })
                {
                    records.Add(MetadataRecords.Fenced(existing));
                }

                if (!request.PreviousShutdownClean)
                {
                    foreach (var (topic, partition) in Partitions(removed))
                    {
                        var changed = PartitionChanges.DropFromElrAfterUncleanShutdown(partition, request.NodeId);
                        if (!ReferenceEquals(changed, partition))
                        {
                            records.Add(MetadataRecords.PartitionChanged(topic, changed));
                        }
                    }
                }

                records.Add(new MetadataRecord
                {
                    BrokerRegistered = new BrokerRegistered
                    {
                        NodeId = request.NodeId,
                        Address = request.Address,
                        Rack = request.Rack,
                        IncarnationId = request.IncarnationId,
                        PreviousShutdownClean = request.PreviousShutdownClean,
                        KafkaEndpoint = request.KafkaEndpoint,
                    },
                });
                return offset =>
                {
                    _sessions.Touch(request.NodeId, offset);
                    _logger.LogInformation("Registered broker {NodeId} at {Address} with broker epoch {BrokerEpoch} (previous shutdown {Shutdown})", request.NodeId, request.Address, offset, request.PreviousShutdownClean ? "clean" : "unclean");
                    return new BrokerRegistrationResult(ErrorCode.None, null, offset, offset);
                };
            },
            message => new BrokerRegistrationResult(NotControllerCode, message, -1, 0),
            cancellationToken);

    public async Task<BrokerHeartbeatResult> HeartbeatAsync(BrokerHeartbeatRequest request, CancellationToken cancellationToken)
    {
        if (!_quorum.IsLeader)
        {
            return new BrokerHeartbeatResult(NotControllerCode, NotControllerMessage(), true, false);
        }

        var current = _store.Image;
        if (!current.Brokers.TryGetValue(request.NodeId, out var broker) || broker.BrokerEpoch != request.BrokerEpoch)
        {
            return new BrokerHeartbeatResult(ErrorCode.StaleBrokerEpoch, $"broker epoch {request.BrokerEpoch} of node {request.NodeId} is not current; register again", true, false);
        }

        _sessions.Touch(request.NodeId, request.BrokerEpoch);
        var needsChange = (broker.Fenced && !request.WantShutDown && request.MetadataOffset >= broker.BrokerEpoch)
            || (request.WantShutDown && !broker.ShuttingDown && !broker.Fenced);
        if (!needsChange)
        {
            return Answer(current, broker);
        }

        return await DecideAsync<BrokerHeartbeatResult>(
            (image, records) =>
            {
                if (!image.Brokers.TryGetValue(request.NodeId, out var b) || b.BrokerEpoch != request.BrokerEpoch)
                {
                    return _ => new BrokerHeartbeatResult(ErrorCode.StaleBrokerEpoch, "registration changed meanwhile; register again", true, false);
                }

                if (request.WantShutDown && !b.ShuttingDown && !b.Fenced)
                {
                    records.Add(MetadataRecords.ShuttingDown(b));
                    RemoveFromService(image, [b.NodeId], records);
                    _logger.LogInformation("Broker {NodeId} is shutting down: moving its leaderships and taking it out of every ISR", b.NodeId);
                }
                else if (b.Fenced && !request.WantShutDown && request.MetadataOffset >= b.BrokerEpoch)
                {
                    records.Add(MetadataRecords.Unfenced(b));
                    var unfenced = image with { Brokers = image.Brokers.SetItem(b.NodeId, b with { Fenced = false }) };
                    ElectLeaderless(unfenced, records);
                    _logger.LogInformation("Broker {NodeId} (epoch {BrokerEpoch}) caught up with the metadata and is unfenced", b.NodeId, b.BrokerEpoch);
                }

                return _ => Answer(_store.Image, _store.Image.Brokers[b.NodeId]);
            },
            message => new BrokerHeartbeatResult(NotControllerCode, message, true, false),
            cancellationToken);
    }

    private static BrokerHeartbeatResult Answer(ClusterImage image, BrokerRegistration broker)
    {
        var leadsNothing = true;
        if (broker.ShuttingDown)
        {
            foreach (var topic in image.Topics.Values)
            {
                foreach (var partition in topic.Partitions)
                {
                    leadsNothing &= partition.Leader != broker.NodeId;
                }
            }
        }

        return new BrokerHeartbeatResult(ErrorCode.None, null, broker.Fenced, (broker.ShuttingDown && leadsNothing) || (broker.Fenced && broker.ShuttingDown));
    }

    /// <summary>Fences every unfenced broker whose session ran out.</summary>
    private Task FenceExpiredBrokersAsync(CancellationToken cancellationToken)
    {
        var image = _store.Image;
        var anyExpired = false;
        foreach (var broker in image.Brokers.Values)
        {
            if (!broker.Fenced && !_sessions.IsAlive(broker.NodeId, broker.BrokerEpoch))
            {
                if (!_sessions.Knows(broker.NodeId, broker.BrokerEpoch))
                {
                    _sessions.Touch(broker.NodeId, broker.BrokerEpoch); // registered under an earlier controller: its session starts now
                    continue;
                }

                anyExpired = true;
            }
        }

        if (!anyExpired)
        {
            return Task.CompletedTask;
        }

        return DecideAsync<bool>(
            (current, records) =>
            {
                var expired = current.Brokers.Values.Where(b => !b.Fenced && _sessions.Knows(b.NodeId, b.BrokerEpoch) && !_sessions.IsAlive(b.NodeId, b.BrokerEpoch)).ToList();
                var leaving = expired.Select(b => b.NodeId).ToHashSet();
                foreach (var broker in expired)
                {
                    records.Add(MetadataRecords.Fenced(broker));
                    _logger.LogWarning("Fencing broker {NodeId}: no heartbeat for {Timeout} ms", broker.NodeId, _options.BrokerSessionTimeout.TotalMilliseconds);
                }

                RemoveFromService(current, leaving, records);
                return _ => true;
            },
            _ => false,
            cancellationToken);
    }

    /// <summary>Elects a leader for every partition that has none and now has an eligible candidate.</summary>
    private Task ElectLeaderlessAsync(CancellationToken cancellationToken)
    {
        var image = _store.Image;
        var needed = false;
        foreach (var (topic, partition) in Partitions(image))
        {
            if (!partition.HasLeader || !image.IsActive(partition.Leader))
            {
                var (minInSync, unclean) = ReplicationConfig(topic);
                needed |= PartitionChanges.ChooseLeader(partition, image.IsActive, unclean).Leader != PartitionImage.NoLeader;
            }
        }

        return needed
            ? DecideAsync<bool>((current, records) => { ElectLeaderless(current, records); return _ => true; }, _ => false, cancellationToken)
            : Task.CompletedTask;
    }

    private void ElectLeaderless(ClusterImage image, List<MetadataRecord> records)
    {
        foreach (var (topic, partition) in Partitions(image))
        {
            if (partition.HasLeader && image.IsActive(partition.Leader))
            {
                continue;
            }

            var (minInSync, unclean) = ReplicationConfig(topic);
            var changed = PartitionChanges.ElectLeader(partition, image.IsActive, unclean, minInSync);
            if (!ReferenceEquals(changed, partition) && changed.HasLeader)
            {
                records.Add(MetadataRecords.PartitionChanged(topic, changed));
                if (changed.LeaderEpoch != partition.LeaderEpoch && !partition.Isr.Contains(changed.Leader))
                {
                    _logger.LogWarning("{Topic}-{Partition}: elected {Leader} from outside the ISR ({Partition})", topic.Name, partition.Partition, changed.Leader, changed);
                }
            }
        }
    }

    /// <summary>Takes the brokers out of every ISR and moves their leaderships; returns the image as changed.</summary>
    private ClusterImage RemoveFromService(ClusterImage image, HashSet<int> leaving, List<MetadataRecord> records)
    {
        bool IsActive(int id) => !leaving.Contains(id) && image.IsActive(id);
        var topics = image.Topics;
        foreach (var (topic, partition) in Partitions(image))
        {
            var changed = partition;
            var (minInSync, unclean) = ReplicationConfig(topic);
            foreach (var node in leaving)
            {
                if (changed.IsInSync(node) || changed.Leader == node)
                {
                    changed = PartitionChanges.RemoveBroker(changed, node, IsActive, unclean, minInSync);
                }
            }

            if (!ReferenceEquals(changed, partition))
            {
                records.Add(MetadataRecords.PartitionChanged(topic, changed));
                var t = topics[topic.Name];
                topics = topics.SetItem(topic.Name, t with { Partitions = t.Partitions.SetItem(partition.Partition, changed) });
            }
        }

        return image with { Topics = topics };
    }

    private static IEnumerable<(TopicImage Topic, PartitionImage Partition)> Partitions(ClusterImage image)
    {
        foreach (var topic in image.Topics.Values)
        {
            foreach (var partition in topic.Partitions)
            {
                yield return (topic, partition);
            }
        }
    }
}
