using LogBroker.Protocol;

namespace LogBroker.Client;

/// <summary>Where a produced record landed: its partition and offset, and its timestamp (ms since the Unix epoch).</summary>
public readonly record struct DeliveryResult(string Topic, int Partition, long Offset, long TimestampMs)
{
    public TopicPartition TopicPartition => new(Topic, Partition);

    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);
}

/// <summary>What a fire-and-forget produce's callback receives: the result, or the error that ended it.</summary>
public readonly record struct DeliveryReport(DeliveryResult Result, LogBrokerException? Error)
{
    public bool Succeeded => Error is null;
}
