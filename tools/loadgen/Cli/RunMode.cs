namespace LogBroker.Loadgen.Cli;

/// <summary>What a run does: the subcommand.</summary>
public enum RunMode
{
    /// <summary>Produce only; latency is the time to acknowledgement.</summary>
    Produce,

    /// <summary>Replay what is already in the topic, from an offset to the end offsets seen at start.</summary>
    Consume,

    /// <summary>Produce and consume at once; latency is also measured from send to consume.</summary>
    EndToEnd,
}
