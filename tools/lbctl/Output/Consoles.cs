using Spectre.Console;

namespace LogBroker.Lbctl.Output;

/// <summary>Spectre consoles over a given writer: colour and terminal width only when it is a real terminal.</summary>
internal static class Consoles
{
    /// <summary>Wide enough that tables sent to a file or pipe never wrap their cells.</summary>
    private const int RedirectedWidth = 240;

    public static IAnsiConsole For(TextWriter writer)
    {
        var isTerminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!isTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
