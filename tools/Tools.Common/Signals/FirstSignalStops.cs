using System.Runtime.InteropServices;

namespace LogBroker.Tools.Signals;

/// <summary>
/// A tool's Ctrl-C and SIGTERM handling: the first one cancels <see cref="Token"/> (the tool then stops
/// cleanly: flushes, prints its summary, removes what it made) and says so on stderr; a second one is left
/// to the default handling and ends the process at once, the way out of a stop that hangs. Create one at
/// the start of Main and keep it until the end.
/// </summary>
public sealed class FirstSignalStops : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    /// <param name="notice">What the tool prints to stderr on the first signal, e.g. "lbctl: stopping; press Ctrl-C again to quit at once".</param>
    public FirstSignalStops(string notice)
    {
        void StopOnce(PosixSignalContext context)
        {
            if (!_stop.IsCancellationRequested)
            {
                context.Cancel = true;
                Console.Error.WriteLine(notice);
                _stop.Cancel();
            }
        }

        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnce);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnce);
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }
}
