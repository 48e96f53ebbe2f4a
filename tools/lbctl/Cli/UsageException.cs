namespace LogBroker.Lbctl.Cli;

/// <summary>A command line that parsed but makes no sense (a config without '=', no change to apply): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
