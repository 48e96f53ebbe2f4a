using System.Runtime.InteropServices;
using LogBroker.Loadgen;

// The first Ctrl-C (or SIGTERM) stops the run early and still prints the summary; a second one is
// left to the default handling and ends the process at once.
using var stop = new CancellationTokenSource();
void StopOnce(PosixSignalContext context)
{
    if (!stop.IsCancellationRequested)
    {
        context.Cancel = true;
        Console.Error.WriteLine("loadgen: stopping; press Ctrl-C again to quit at once");
        stop.Cancel();
    }
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnce);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnce);
return await LoadgenApp.RunAsync(args, Console.Out, Console.Error, stop.Token);
