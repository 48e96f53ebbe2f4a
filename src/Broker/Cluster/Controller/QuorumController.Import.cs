using System.Collections.Immutable;
using System.Text.Json;
using LogBroker.Broker.Cluster.Image;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// Carries a single-node data directory from before the metadata quorum over: its
/// <c>metadata/topics.json</c> becomes TopicCreated and PartitionChanged records (every partition with
/// this node as its only replica, in sync, leaderless until the node is unfenced), committed once,
/// after which the file is renamed so it is never imported again. Its logs on disk are then served
/// as they are.
/// </summary>
public sealed partial class QuorumController
{
    public const string ImportedSuffix = ".imported";

    private async Task ImportLegacyTopicsAsync(CancellationToken cancellationToken)
    {
        var path = _options.LegacyTopicsFile;
        if (path is null || !File.Exists(path))
        {
            return;
        }

        var imported = await DecideAsync<int>(
            (image, records) =>
            {
                if (!image.Topics.IsEmpty)
                {
                    return _ => 0; // the log has topics already (an import committed before a crash): nothing to add
                }

                var stored = JsonSerializer.Deserialize<List<LegacyTopic>>(File.ReadAllText(path))
                    ?? throw new InvalidDataException($"{path} is empty");
                foreach (var legacy in stored)
                {
                    var topic = new TopicImage(legacy.Name, legacy.TopicId, legacy.Configs.ToImmutableDictionary(StringComparer.Ordinal), legacy.Internal, []);
                    records.Add(MetadataRecords.TopicCreated(topic));
                    for (var p = 0; p < legacy.Partitions; p++)
                    {
                        records.Add(MetadataRecords.PartitionChanged(topic, new PartitionImage(p, [_options.NodeId], [_options.NodeId], [], PartitionImage.NoLeader, 0, 0)));
                    }
                }

                return _ => stored.Count;
            },
            _ => -1,
            cancellationToken);
        if (imported < 0)
        {
            return; // no longer the controller: the next one imports
        }

        File.Move(path, path + ImportedSuffix, overwrite: true);
        _logger.LogInformation("Imported {Count} topic(s) of the single-node metadata in {Path} into the metadata log", imported, path);
    }

    private sealed record LegacyTopic(string Name, Guid TopicId, int Partitions, Dictionary<string, string> Configs, bool Internal);
}
