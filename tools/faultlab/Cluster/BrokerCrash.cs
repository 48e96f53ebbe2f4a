namespace LogBroker.Faultlab.Cluster;

/// <summary>A broker process that ended without being told to: when (seconds since the campaign started) and with which exit code (137 = SIGKILL, 135 = SIGBUS).</summary>
public sealed record BrokerCrash(int NodeId, double AtSeconds, int ExitCode);
