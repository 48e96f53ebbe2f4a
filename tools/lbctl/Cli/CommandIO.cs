using Spectre.Console;

namespace LogBroker.Lbctl.Cli;

/// <summary>
/// Where one run of lbctl reads and writes: records come from <see cref="Input"/>, results go to
/// <see cref="Output"/> (tables through <see cref="Console"/>, which writes to the same writer), and
/// errors and progress go to <see cref="Error"/>. Tests pass string readers and writers.
/// </summary>
internal sealed class CommandIO(TextReader input, TextWriter output, TextWriter error, IAnsiConsole console)
{
    public TextReader Input { get; } = input;

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public IAnsiConsole Console { get; } = console;
}
