using System.Text.RegularExpressions;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// A logger factory handed to the workload's clients that logs nothing and counts every client log
/// event carrying an <c>Error</c> value into an <see cref="ErrorTally"/>: the producer's retries (which
/// the application never sees otherwise), failed heartbeats, commits and fetch set-ups. The error code
/// is the value itself when it is an <see cref="ErrorCode"/>, or the code a client exception message
/// starts with ("NetworkException: ..."); the source is the event's message template without its
/// placeholders ("Retrying … after … (attempt …)").
/// </summary>
public sealed partial class ClientLogTap(ErrorTally tally) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return;
        }

        object? error = null;
        string? template = null;
        foreach (var (key, value) in values)
        {
            if (key == "Error")
            {
                error = value;
            }
            else if (key == "{OriginalFormat}")
            {
                template = value as string;
            }
        }

        if (error is null || template is null)
        {
            return;
        }

        tally.Count(Placeholder().Replace(template, "…"), CodeOf(error));
    }

    public void Dispose()
    {
    }

    /// <summary>The error code an error value names: the code itself, or the one a client exception's message starts with.</summary>
    public static string CodeOf(object error) => error switch
    {
        ErrorCode code => code.ToString(),
        string message when message.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon && Enum.TryParse<ErrorCode>(message[..colon], out var code) => code.ToString(),
        _ => "other",
    };

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();
}
