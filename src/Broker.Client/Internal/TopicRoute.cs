namespace LogBroker.Client.Internal;

/// <summary>
/// Where a topic's partitions are led: leader node id per partition (-1 while none is), and when
/// the cluster said so (<see cref="System.Diagnostics.Stopwatch"/> ticks).
/// </summary>
internal sealed record TopicRoute(string Topic, int PartitionCount, int[] Leaders, long FetchedTicks);
