using System.Runtime.InteropServices;
using LogBroker.Faultlab;

// The first Ctrl-C (or SIGTERM) stops the campaign and removes everything it made; a second one is
// left to the default handling and ends the process at once (the watchdog then cleans up).
using var stop = new CancellationTokenSource();
void StopOnce(PosixSignalContext context)
{
    if (!stop.IsCancellationRequested)
    {
        context.Cancel = true;
        Console.Error.WriteLine("faultlab: stopping and removing what this run made; press Ctrl-C again to quit at once");
        stop.Cancel();
    }
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnce);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnce);
return await FaultlabApp.RunAsync(args, Console.Out, Console.Error, stop.Token);
