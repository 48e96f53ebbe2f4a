using LogBroker.Loadgen;
using LogBroker.Tools.Signals;

// The first Ctrl-C (or SIGTERM) stops the run early and still prints the summary; a second one quits at once.
using var signals = new FirstSignalStops("loadgen: stopping; press Ctrl-C again to quit at once");
return await LoadgenApp.RunAsync(args, Console.Out, Console.Error, signals.Token);
