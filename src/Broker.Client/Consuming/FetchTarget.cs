namespace LogBroker.Client.Consuming;

/// <summary>A partition to fetch, as of one generation of its position.</summary>
internal readonly record struct FetchTarget(PartitionState State, int Generation, long FetchPosition);
