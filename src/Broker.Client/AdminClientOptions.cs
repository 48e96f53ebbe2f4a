namespace LogBroker.Client;

/// <summary>Admin client settings: the shared ones are enough.</summary>
public sealed record AdminClientOptions : ClientOptions;
