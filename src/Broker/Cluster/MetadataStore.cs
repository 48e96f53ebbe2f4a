using System.Collections.Immutable;
using System.Text.Json;
using LogBroker.Storage.Checkpoints;

namespace LogBroker.Broker.Cluster;

/// <summary>
/// The durable record of which topics exist. Readers take the current immutable snapshot
/// (<see cref="Topics"/>) without locking. Changes are serialised, written to disk (atomic replace of
/// <c>metadata/topics.json</c>), published, and then handed to every listener in order, the way
/// brokers apply records of a metadata log. This is the single-node stand-in for the Raft metadata
/// quorum of the road map: each change becomes a record in that log, and listeners stay as they are.
/// </summary>
public sealed class MetadataStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string _path;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly List<Action<MetadataChange>> _listeners = [];
    private ImmutableDictionary<string, TopicSpec> _topics;

    private MetadataStore(string path, ImmutableDictionary<string, TopicSpec> topics)
    {
        _path = path;
        _topics = topics;
    }

    public ImmutableDictionary<string, TopicSpec> Topics => Volatile.Read(ref _topics);

    public static MetadataStore Open(string dataDirectory)
    {
        var directory = Path.Combine(dataDirectory, "metadata");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "topics.json");
        var topics = ImmutableDictionary.Create<string, TopicSpec>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            var stored = JsonSerializer.Deserialize<List<StoredTopic>>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty");
            foreach (var t in stored)
            {
                topics = topics.Add(t.Name, new TopicSpec(t.Name, t.TopicId, t.Partitions, t.Configs.ToImmutableDictionary(StringComparer.Ordinal), t.Internal));
            }
        }

        return new MetadataStore(path, topics);
    }

    /// <summary>Registers a listener; it is called after every change, in order, never concurrently.</summary>
    public void AddListener(Action<MetadataChange> listener)
    {
        _writeLock.Wait();
        try
        {
            _listeners.Add(listener);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current topics, persists and publishes the result, and
    /// has every listener apply it before returning. <paramref name="change"/> returning the same
    /// instance means no change.
    /// </summary>
    public async Task UpdateAsync(Func<ImmutableDictionary<string, TopicSpec>, ImmutableDictionary<string, TopicSpec>> change, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var previous = _topics;
            var next = change(previous);
            if (ReferenceEquals(next, previous))
            {
                return;
            }

            var stored = next.Values
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => new StoredTopic(t.Name, t.TopicId, t.PartitionCount, new Dictionary<string, string>(t.ConfigOverrides), t.IsInternal))
                .ToList();
            AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(stored, Json));
            Volatile.Write(ref _topics, next);
            var applied = new MetadataChange(previous, next);
            foreach (var listener in _listeners)
            {
                listener(applied);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private sealed record StoredTopic(string Name, Guid TopicId, int Partitions, Dictionary<string, string> Configs, bool Internal);
}
