using System.Runtime.InteropServices;
using LogBroker.Lbctl;

// Ctrl-C and SIGTERM cancel the running command, which then stops cleanly (consume exits 0);
// a second Ctrl-C is left to the runtime and ends the process at once.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!interrupted.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupted.Cancel();
    }
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupted.Cancel();
});

return await LbctlApp.RunAsync(args, Console.In, Console.Out, Console.Error, interrupted.Token);
