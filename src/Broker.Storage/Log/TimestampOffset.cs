namespace LogBroker.Storage.Log;

/// <summary>A record found by time: its offset and its timestamp (ms since the Unix epoch).</summary>
public readonly record struct TimestampOffset(long Offset, long Timestamp);
