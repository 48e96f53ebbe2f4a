using LogBroker.Client;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.Cli;

/// <summary>
/// What a command's action works with: the run's streams, the broker address and the output format
/// chosen on the command line, and clients configured for them. Clients are the caller's to dispose.
/// </summary>
internal sealed class CommandContext(CommandIO io, string bootstrap, OutputFormat format)
{
    public CommandIO IO => io;

    public string Bootstrap => bootstrap;

    public OutputFormat Format => format;

    public bool IsJson => format == OutputFormat.Json;

    public AdminClient Admin() => new(new AdminClientOptions { BootstrapServers = bootstrap });

    public ProducerOptions ProducerOptions() => new() { BootstrapServers = bootstrap };

    public ConsumerOptions ConsumerOptions() => new() { BootstrapServers = bootstrap };

    /// <summary>Writes one JSON document (indented) to stdout.</summary>
    public void WriteJson<T>(T document) => JsonOutput.WriteDocument(io.Output, document);

    public void WriteLine(string line) => io.Output.WriteLine(line);

    public void WriteError(string line) => io.Error.WriteLine(line);
}
