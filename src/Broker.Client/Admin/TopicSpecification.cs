namespace LogBroker.Client.Admin;

/// <summary>A topic to create: name, partitions, and topic configs by Kafka's names (e.g. <c>retention.ms</c>).</summary>
public sealed record TopicSpecification(string Name, int Partitions = 1, IReadOnlyDictionary<string, string>? Configs = null, int ReplicationFactor = -1);
