using LogBroker.Lbctl;
using LogBroker.Tools.Signals;

// The first Ctrl-C (or SIGTERM) cancels the running command, which then stops cleanly (consume exits 0,
// the others 130). A second one is left to the default handling and ends the process at once: the way
// out of a stop that hangs, such as a flush to a broker that no longer answers.
using var signals = new FirstSignalStops("lbctl: stopping; press Ctrl-C again to quit at once");
return await LbctlApp.RunAsync(args, Console.In, Console.Out, Console.Error, signals.Token);
