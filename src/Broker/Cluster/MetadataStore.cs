using System.Buffers;
using System.Collections.Immutable;
using Google.Protobuf;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Broker.Cluster.Records;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster;

/// <summary>
/// This broker's metadata image, built by applying the committed entries of the metadata log in
/// order (it is the quorum's state machine). Readers take the current immutable image
/// (<see cref="Image"/>) without locking. After every entry, each listener is handed the image before
/// and after it, in order and never concurrently, the way Kafka brokers publish metadata deltas: the
/// replica manager becomes leader or follower from them, the group coordinator notices new partitions.
/// </summary>
public sealed class MetadataStore(ILogger<MetadataStore> logger) : IMetadataStateMachine
{
    private readonly Lock _publishLock = new();
    private readonly List<Action<MetadataChange>> _listeners = [];
    private readonly List<(long Offset, TaskCompletionSource Reached)> _waiters = [];
    private ClusterImage _image = ClusterImage.Empty;

    public ClusterImage Image => Volatile.Read(ref _image);

    public ImmutableDictionary<string, TopicImage> Topics => Image.Topics;

    /// <summary>
    /// Registers a listener and returns the image it starts from: every later change reaches it, and
    /// none is missed between the returned image and the first call.
    /// </summary>
    public ClusterImage AddListener(Action<MetadataChange> listener)
    {
        lock (_publishLock)
        {
            _listeners.Add(listener);
            return _image;
        }
    }

    public void Apply(long index, ReadOnlySpan<byte> entry)
    {
        MetadataEntry parsed;
        try
        {
            parsed = MetadataEntry.Parser.ParseFrom(entry);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"metadata entry {index} does not parse: {e.Message}", e);
        }

        lock (_publishLock)
        {
            Publish(ClusterImageApplier.Apply(_image, index, parsed, logger));
        }
    }

    public void WriteSnapshot(IBufferWriter<byte> output) => ClusterImageApplier.ToSnapshot(Image).WriteTo(output);

    public void RestoreSnapshot(long index, ReadOnlySpan<byte> snapshot)
    {
        var image = ClusterImageApplier.FromSnapshot(MetadataSnapshot.Parser.ParseFrom(snapshot)) with { Offset = index };
        lock (_publishLock)
        {
            Publish(image);
        }
    }

    /// <summary>Completes once the image includes the entry at <paramref name="offset"/> (false when <paramref name="timeout"/> passed first).</summary>
    public async Task<bool> WaitForOffsetAsync(long offset, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource reached;
        lock (_publishLock)
        {
            if (_image.Offset >= offset)
            {
                return true;
            }

            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((offset, reached));
        }

        try
        {
            await reached.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            lock (_publishLock)
            {
                _waiters.RemoveAll(w => w.Reached == reached);
            }

            return false;
        }
    }

    /// <summary>Called under the publish lock, on the quorum's apply thread.</summary>
    private void Publish(ClusterImage next)
    {
        var previous = _image;
        Volatile.Write(ref _image, next);
        var change = new MetadataChange(previous, next);
        foreach (var listener in _listeners)
        {
            try
            {
                listener(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A listener's failure (a disk error creating a log, say) must not stop the metadata
                // log: the next change is applied to the image all the same, and the listener sees it.
                logger.LogError(e, "Applying metadata offset {Offset} failed in a listener", next.Offset);
            }
        }

        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Offset <= next.Offset)
            {
                _waiters[i].Reached.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
