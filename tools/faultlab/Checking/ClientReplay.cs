using System.Globalization;
using LogBroker.Client;
using LogBroker.Faultlab.Workload;
using LogBroker.Protocol;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// The second replay from the beginning, through the real consumer client (assigned every partition
/// from <see cref="Offset.Beginning"/>, CRCs checked): every record it hands out must be the one the raw
/// replay found at that offset, and it must reach every partition's end. Disagreements are described.
/// </summary>
public static class ClientReplay
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Records read and the disagreements with the raw replay (at most a few described, all counted).</summary>
    public sealed record Outcome(long Records, long Disagreements, IReadOnlyList<string> Examples, string? Incomplete);

    public static async Task<Outcome> ReadAsync(string bootstrap, string topic, IReadOnlyList<ReplayedPartition> raw, CancellationToken cancellationToken)
    {
        var remaining = raw.Where(p => p.EndOffset > 0).ToDictionary(p => p.Partition, p => p.EndOffset);
        long records = 0;
        long disagreements = 0;
        var examples = new List<string>();
        if (remaining.Count == 0)
        {
            return new Outcome(0, 0, examples, null);
        }

        await using var consumer = new Consumer(new ConsumerOptions { BootstrapServers = bootstrap, RequestTimeout = TimeSpan.FromSeconds(10) });
        consumer.Assign(remaining.Keys.Select(p => new TopicPartitionOffset(new TopicPartition(topic, p), Offset.Beginning)));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await foreach (var record in consumer.ConsumeAsync(deadline.Token))
            {
                records++;
                var rawPartition = raw[record.Partition];
                var expected = record.Offset < rawPartition.Records.Count ? rawPartition.Records[(int)record.Offset] : null;
                var ok = RecordId.TryRead(record.Value.Span, out var id);
                if (!ok || expected != id)
                {
                    disagreements++;
                    if (examples.Count < 5)
                    {
                        examples.Add(string.Create(CultureInfo.InvariantCulture, $"partition {record.Partition} offset {record.Offset}: the client read {(ok ? id.ToString() : "a foreign value")}, the raw replay {expected?.ToString() ?? "nothing"}"));
                    }
                }

                if (record.Offset + 1 >= remaining.GetValueOrDefault(record.Partition, long.MaxValue))
                {
                    remaining.Remove(record.Partition);
                    if (remaining.Count == 0)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(records, disagreements, examples, $"the client did not reach the end of partition(s) {string.Join(',', remaining.Keys.Order())} within {Timeout.TotalSeconds:F0} s");
        }

        return new Outcome(records, disagreements, examples, null);
    }
}
