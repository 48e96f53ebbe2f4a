using Confluent.Kafka;

namespace LogBroker.Kafka.Tests;

/// <summary>Consuming with a deadline: librdkafka's consume call blocks, so every loop here is bounded in time.</summary>
internal static class KafkaConsume
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Consumes until <paramref name="count"/> records arrived; throws at the deadline with what it got.</summary>
    public static List<ConsumeResult<TKey, TValue>> Records<TKey, TValue>(IConsumer<TKey, TValue> consumer, int count, TimeSpan? deadline = null)
    {
        var records = new List<ConsumeResult<TKey, TValue>>();
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (records.Count < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"consumed {records.Count} of {count} record(s) before the deadline");
            }

            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is not null && !record.IsPartitionEOF)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Polls for <paramref name="period"/> (the client keeps its group membership alive meanwhile) and returns what arrived.</summary>
    public static List<ConsumeResult<TKey, TValue>> For<TKey, TValue>(IConsumer<TKey, TValue> consumer, TimeSpan period)
    {
        var records = new List<ConsumeResult<TKey, TValue>>();
        var until = DateTime.UtcNow + period;
        while (DateTime.UtcNow < until)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null && !record.IsPartitionEOF)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (group joins and rebalances happen inside Consume).</summary>
    public static void Until<TKey, TValue>(IConsumer<TKey, TValue> consumer, Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            consumer.Consume(TimeSpan.FromMilliseconds(100));
        }
    }
}
