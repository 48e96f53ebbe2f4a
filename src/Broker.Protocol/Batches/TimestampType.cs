namespace LogBroker.Protocol.Batches;

/// <summary>Whose clock a record's timestamp comes from: the producer's, or the broker's at append.</summary>
public enum TimestampType
{
    CreateTime = 0,
    LogAppendTime = 1,
}
