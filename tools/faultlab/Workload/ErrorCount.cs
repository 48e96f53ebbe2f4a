namespace LogBroker.Faultlab.Workload;

/// <summary>How many requests failed at <see cref="Source"/> with error <see cref="Code"/>.</summary>
public sealed record ErrorCount(string Source, string Code, long Count);
