using LogBroker.Faultlab;
using LogBroker.Tools.Signals;

// The first Ctrl-C or SIGTERM stops the campaign and removes everything it made; a second one quits at
// once (the run's watchdog then removes what is left).
using var signals = new FirstSignalStops("faultlab: stopping and removing what this run made; press Ctrl-C again to quit at once");
return await FaultlabApp.RunAsync(args, Console.Out, Console.Error, signals.Token);
