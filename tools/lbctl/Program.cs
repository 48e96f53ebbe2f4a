using System.Runtime.InteropServices;
using LogBroker.Lbctl;

// The first Ctrl-C (or SIGTERM) cancels the running command, which then stops cleanly (consume exits 0,
// the others 130). A second one is left to the default handling and ends the process at once: the way
// out of a stop that hangs, such as a flush to a broker that no longer answers.
using var interrupted = new CancellationTokenSource();
void StopOnce(PosixSignalContext context)
{
    if (!interrupted.IsCancellationRequested)
    {
        context.Cancel = true;
        Console.Error.WriteLine("lbctl: stopping; press Ctrl-C again to quit at once");
        interrupted.Cancel();
    }
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopOnce);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopOnce);
return await LbctlApp.RunAsync(args, Console.In, Console.Out, Console.Error, interrupted.Token);
