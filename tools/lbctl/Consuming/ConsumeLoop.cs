using LogBroker.Client;
using LogBroker.Protocol;

namespace LogBroker.Lbctl.Consuming;

/// <summary>
/// Pulls records from an assigned consumer and prints them until the count is reached, the caller
/// cancels, or (when bounded) every partition has reached the offset it must stop at: the high
/// watermark seen when the command started. A partition also counts as done when the consumer's
/// position has passed its stop offset without a record to show for it (compaction gaps, control
/// batches), which is why a wait for the next record is bounded by <see cref="IdleCheck"/>.
/// Single-threaded: one loop per consumer.
/// </summary>
internal sealed class ConsumeLoop(Consumer consumer, IReadOnlyDictionary<TopicPartition, long>? stopAt, long? maxRecords, RecordWriter writer)
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromMilliseconds(250);

    private readonly HashSet<TopicPartition> _finished = [];

    public long Consumed { get; private set; }

    /// <summary>Marks partitions that have nothing to read before they are consumed from (start at or past the stop offset).</summary>
    public void MarkFinished(TopicPartition partition) => _finished.Add(partition);

    /// <summary>Runs until done; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (!IsDone())
            {
                var pending = consumer.ConsumeOneAsync(wait.Token);
                if (!pending.IsCompleted)
                {
                    writer.Flush();
                    if (stopAt is not null)
                    {
                        wait.CancelAfter(IdleCheck);
                    }
                }

                ConsumeResult record;
                try
                {
                    record = await pending;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Idle: nothing arrived for a while; see whether positions have passed their stop offsets.
                    wait.Dispose();
                    wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    MarkPassedPartitions();
                    continue;
                }

                if (stopAt is not null)
                {
                    wait.CancelAfter(Timeout.InfiniteTimeSpan); // the record came: no idle check pending
                }

                Print(record);
            }
        }
        finally
        {
            wait.Dispose();
            writer.Flush();
        }
    }

    private void Print(in ConsumeResult record)
    {
        var partition = record.TopicPartition;
        if (stopAt is not null)
        {
            var stop = stopAt[partition];
            if (record.Offset >= stop)
            {
                _finished.Add(partition); // produced after the command started
                return;
            }

            if (record.Offset + 1 >= stop)
            {
                _finished.Add(partition);
            }
        }

        writer.Write(record);
        Consumed++;
    }

    private bool IsDone() =>
        (maxRecords is { } max && Consumed >= max) || (stopAt is not null && _finished.Count >= stopAt.Count);

    private void MarkPassedPartitions()
    {
        foreach (var (partition, stop) in stopAt!)
        {
            if (consumer.Position(partition) is { } position && position >= stop)
            {
                _finished.Add(partition);
            }
        }
    }
}
