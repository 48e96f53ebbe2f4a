using System.Runtime.CompilerServices;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// Server push: yields each subscribed partition's batches as they become readable (up to the high
/// watermark), from the requested offsets on, taking partitions in turn so none starves. The caller
/// writes a chunk before asking for the next, so at most one chunk per subscription is held: a slow
/// reader slows this down instead of making it buffer. Waits on the partitions' append notifiers.
/// </summary>
public sealed class Subscription(ReplicaManager replicas, IReadOnlyList<(TopicPartition TopicPartition, long Offset, int? CurrentLeaderEpoch)> partitions, int maxBytes)
{
    public async IAsyncEnumerable<SubscriptionChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var positions = new Dictionary<TopicPartition, long>(partitions.Count);
        var epochs = new Dictionary<TopicPartition, int?>(partitions.Count);
        var order = new List<TopicPartition>(partitions.Count);
        foreach (var (tp, offset, epoch) in partitions)
        {
            epochs.TryAdd(tp, epoch);
            if (positions.TryAdd(tp, offset))
            {
                order.Add(tp); // a partition listed again keeps its first offset
            }
        }

        var waits = new List<Task>(order.Count + 1);
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        var next = 0;
        while (order.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            waits.Clear();
            foreach (var tp in order)
            {
                if (replicas.TryGetPartition(tp, out var partition))
                {
                    waits.Add(partition.Notifier.WaitAsync());
                }
            }

            var yielded = false;
            for (var turn = 0; turn < order.Count && !cancellationToken.IsCancellationRequested; turn++)
            {
                var index = (next + turn) % order.Count;
                var tp = order[index];
                var lookup = replicas.Lookup(tp.Topic, tp.Partition);
                if (!lookup.Found)
                {
                    order.RemoveAt(index);
                    yield return new SubscriptionChunk(tp, lookup.Error, lookup.Message, default);
                    yielded = true;
                    break;
                }

                var read = lookup.Partition!.Read(positions[tp], maxBytes, epochs[tp]);
                if (read.Error != ErrorCode.None)
                {
                    order.RemoveAt(index);
                    yield return new SubscriptionChunk(tp, read.Error, read.ErrorMessage, read);
                    yielded = true;
                    break;
                }

                if (read.IsEmpty)
                {
                    read.Dispose();
                    continue;
                }

                positions[tp] = BatchCursor.NextOffsetAfter(read.Records.Span);
                next = index + 1;
                yield return new SubscriptionChunk(tp, ErrorCode.None, null, read);
                yielded = true;
                break;
            }

            if (!yielded && order.Count > 0)
            {
                waits.Add(cancelled);
                await Task.WhenAny(waits);
            }
        }
    }
}
