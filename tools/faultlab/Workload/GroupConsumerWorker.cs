using System.Globalization;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// One member of the campaign's consumer group: the real client, subscribed to the topic, committing
/// in the background every second and on every revocation and close (at least once). It checks that
/// within one assignment of a partition the offsets it is handed only go up, notes every record in
/// <see cref="ObservedRecords"/> (dirty reads, and whether the group saw every acknowledged record), and
/// counts what it consumed per second. An error the client gives up on (CORRUPT_MESSAGE among them) is
/// counted, and the member starts over with a new client, as an application would. One task.
/// </summary>
public sealed class GroupConsumerWorker(int index, string bootstrap, string topic, string group, CampaignClock clock, ObservedRecords observed, PerSecondCounter consumed, ViolationLog violations, ErrorTally errors)
{
    private readonly Dictionary<int, long> _lastOffset = [];
    private readonly Lock _lock = new();

    /// <summary>Consumer clients this member had to start over with after an error.</summary>
    public int Restarts { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var consumer = new Consumer(new ConsumerOptions
            {
                BootstrapServers = bootstrap,
                GroupId = group,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = true,
                AutoCommitInterval = TimeSpan.FromSeconds(1),
                SessionTimeout = TimeSpan.FromSeconds(10),
                RequestTimeout = TimeSpan.FromSeconds(10),
                LoggerFactory = new ClientLogTap(errors),
            });
            consumer.PartitionsAssigned += (_, e) => Forget(e.Partitions);
            consumer.PartitionsRevoked += (_, e) => Forget(e.Partitions);
            consumer.PartitionsLost += (_, e) => Forget(e.Partitions);
            try
            {
                consumer.Subscribe([topic]);
                await ConsumeAsync(consumer, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (LogBrokerException e)
            {
                errors.Count("group member consume", e.Code);
                if (e.Code == ErrorCode.CorruptMessage)
                {
                    violations.Add(Violations.Corrupt, Invariant($"group member {index}: {e.Message}"));
                }

                Restarts++;
            }
            finally
            {
                lock (_lock)
                {
                    _lastOffset.Clear();
                }

                await consumer.DisposeAsync();
            }

            if (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
            }
        }
    }

    private async Task ConsumeAsync(Consumer consumer, CancellationToken stop)
    {
        await foreach (var record in consumer.ConsumeAsync(stop))
        {
            lock (_lock)
            {
                if (_lastOffset.TryGetValue(record.Partition, out var last) && record.Offset <= last)
                {
                    violations.Add(Violations.WentBack, Invariant($"group member {index}: partition {record.Partition} handed out offset {record.Offset} after {last} in one assignment"));
                }

                _lastOffset[record.Partition] = record.Offset;
            }

            if (RecordId.TryRead(record.Value.Span, out var id))
            {
                observed.Observe(record.Partition, record.Offset, id);
            }
            else
            {
                violations.Add(Violations.Foreign, Invariant($"group member {index}: partition {record.Partition} offset {record.Offset} holds a value faultlab did not write"));
            }

            consumed.Add(clock.NowSeconds);
        }
    }

    /// <summary>A partition that moves starts a new assignment: where it was read before no longer bounds where it is read next.</summary>
    private void Forget(IReadOnlyList<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var partition in partitions)
            {
                _lastOffset.Remove(partition.Partition);
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
