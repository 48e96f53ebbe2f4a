namespace LogBroker.Faultlab.Cli;

/// <summary>Where the brokers run: network namespaces when they can be made (auto), namespaces or fail, or loopback only.</summary>
public enum NetworkMode
{
    Auto,
    Namespaces,
    Loopback,
}
