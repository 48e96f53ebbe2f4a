using LogBroker.Protocol.Errors;

namespace LogBroker.Storage.Producers;

/// <summary>
/// What the producer state says about an append it checked: go ahead, it is a retry of batches already
/// in the log (at <see cref="FirstOffset"/>..<see cref="LastOffset"/>), or it is refused with an error.
/// Allocates only the message of a refusal.
/// </summary>
internal readonly record struct ProducerAppendVerdict(ProducerAppendOutcome Outcome, ErrorCode Error, string? Message, long FirstOffset, long LastOffset, long Timestamp)
{
    public static ProducerAppendVerdict Accepted => default;

    public static ProducerAppendVerdict Refused(ErrorCode error, string message) => new(ProducerAppendOutcome.Refused, error, message, -1, -1, -1);

    public static ProducerAppendVerdict Duplicate(long firstOffset, long lastOffset, long timestamp) =>
        new(ProducerAppendOutcome.Duplicate, ErrorCode.None, null, firstOffset, lastOffset, timestamp);
}
