namespace LogBroker.Storage.Producers;

/// <summary>How the producer state judged an append (see <see cref="ProducerAppendVerdict"/>).</summary>
internal enum ProducerAppendOutcome
{
    /// <summary>Every batch is in order (or carries no producer id): append it.</summary>
    Accepted,

    /// <summary>Every batch is a retry of one of its producer's last batches: append nothing, answer with the original offsets.</summary>
    Duplicate,

    /// <summary>A batch breaks its producer's sequence or epoch: append nothing.</summary>
    Refused,
}
