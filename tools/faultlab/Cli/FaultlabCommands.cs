using System.CommandLine;
using System.CommandLine.Parsing;
using LogBroker.Faultlab.Nemesis;

namespace LogBroker.Faultlab.Cli;

/// <summary>
/// The command line: <c>run</c> (a campaign), <c>cleanup</c> (a crashed run's leftovers) and the hidden
/// <c>watchdog</c> a run starts to clean up after itself should it die. Parsing only; running is the caller's.
/// </summary>
public sealed class FaultlabCommands
{
    private readonly Option<int?> _seed = new("--seed") { HelpName = "N", Description = "Seed of the fault schedule (same seed, same schedule); random when absent" };
    private readonly Option<int> _brokers = new("--brokers") { HelpName = "N", Description = "Broker processes, 1 to 5 (more than 1 needs a broker with --controller-voters)", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _duration = new("--duration") { HelpName = "SECONDS", Description = "Seconds the workload runs; faults fall between --warmup and duration minus --quiet", DefaultValueFactory = _ => 90 };
    private readonly Option<double> _warmup = new("--warmup") { HelpName = "SECONDS", Description = "Seconds of workload before the first fault", DefaultValueFactory = _ => 5 };
    private readonly Option<double> _quiet = new("--quiet") { HelpName = "SECONDS", Description = "Seconds of workload after the last fault has healed, before the checks", DefaultValueFactory = _ => 10 };
    private readonly Option<IReadOnlyList<FaultKind>?> _faults = new("--faults") { HelpName = "KIND[,KIND...]|none", Description = "Faults to inject: kill, pause, disk-full, restart, isolate, split, bridge (default: every one the lab can do)", CustomParser = ParseFaults };
    private readonly Option<bool> _allowOverlap = new("--allow-overlap") { Description = "Let faults of the same kind overlap (e.g. two brokers killed at once)" };
    private readonly Option<int> _partitions = new("--partitions") { HelpName = "N", Description = "Partitions of the campaign's topic", DefaultValueFactory = _ => 4 };
    private readonly Option<double> _rate = new("--rate") { HelpName = "RECORDS_PER_SEC", Description = "Records per second across all producers", DefaultValueFactory = _ => 600 };
    private readonly Option<int> _recordSize = new("--record-size") { HelpName = "BYTES", Description = "Value size in bytes", DefaultValueFactory = _ => 100 };
    private readonly Option<int> _consumers = new("--consumers") { HelpName = "N", Description = "Members of the committing consumer group", DefaultValueFactory = _ => 2 };
    private readonly Option<string> _network = new("--network") { Description = "auto: network namespaces where they can be made, else loopback", DefaultValueFactory = _ => "auto" };
    private readonly Option<int> _diskMib = new("--disk-mib") { HelpName = "MIB", Description = "Size of each broker's data filesystem (tmpfs)", DefaultValueFactory = _ => 256 };
    private readonly Option<string?> _out = new("--out") { HelpName = "DIR", Description = "Folder for the reports and broker logs (default: faultlab-out/RUN in the working directory)" };
    private readonly Option<string?> _brokerDll = new("--broker-dll") { HelpName = "PATH", Description = "The broker to run (default: src/Broker's build in this repository)" };
    private readonly Option<bool> _planOnly = new("--plan-only") { Description = "Print the fault schedule and stop" };
    private readonly Option<string?> _run = new("--run") { HelpName = "ID", Description = "Only this run (flab and four hex digits)" };
    private readonly Option<string> _watchedRun = new("--run") { Required = true };
    private readonly Option<double> _deadline = new("--deadline-seconds") { DefaultValueFactory = _ => 3600 };

    public FaultlabCommands() => _network.AcceptOnlyFromAmong("auto", "namespaces", "loopback");

    public RootCommand Build(
        Func<CampaignSettings, CancellationToken, Task<int>> run,
        Func<string?, CancellationToken, Task<int>> cleanup,
        Func<string, TimeSpan, CancellationToken, Task<int>> watchdog,
        TextWriter stderr)
    {
        var root = new RootCommand("LogBroker fault campaign: broker processes on their own network hosts, a nemesis, and a checker of the log's promises");

        var runCommand = new Command("run", "Run a campaign: start the brokers, run the workload while the nemesis injects faults, check everything, report")
        {
            _seed, _brokers, _duration, _warmup, _quiet, _faults, _allowOverlap, _partitions, _rate, _recordSize, _consumers, _network, _diskMib, _out, _brokerDll, _planOnly,
        };
        runCommand.SetAction((parse, token) =>
        {
            var settings = Read(parse);
            if (settings.Validate() is { } problem)
            {
                stderr.WriteLine($"faultlab: {problem}");
                return Task.FromResult(FaultlabApp.CouldNotRun);
            }

            return run(settings, token);
        });
        root.Add(runCommand);

        var cleanupCommand = new Command("cleanup", "Remove what crashed runs left behind (namespaces, links, mounts, broker processes); runs whose faultlab still lives are left alone") { _run };
        cleanupCommand.SetAction((parse, token) => cleanup(parse.GetValue(_run), token));
        root.Add(cleanupCommand);

        var watchdogCommand = new Command("watchdog", "Clean up a run once its faultlab process is gone (started by run itself)") { _watchedRun, _deadline };
        watchdogCommand.Hidden = true;
        watchdogCommand.SetAction((parse, token) => watchdog(parse.GetValue(_watchedRun)!, TimeSpan.FromSeconds(parse.GetValue(_deadline)), token));
        root.Add(watchdogCommand);
        return root;
    }

    private CampaignSettings Read(ParseResult parse) => new()
    {
        Seed = parse.GetValue(_seed) ?? Random.Shared.Next(),
        Brokers = parse.GetValue(_brokers),
        Duration = TimeSpan.FromSeconds(parse.GetValue(_duration)),
        Warmup = TimeSpan.FromSeconds(parse.GetValue(_warmup)),
        Quiet = TimeSpan.FromSeconds(parse.GetValue(_quiet)),
        Faults = parse.GetValue(_faults),
        AllowOverlap = parse.GetValue(_allowOverlap),
        Partitions = parse.GetValue(_partitions),
        RecordsPerSecond = parse.GetValue(_rate),
        RecordSize = parse.GetValue(_recordSize),
        Consumers = parse.GetValue(_consumers),
        Network = Enum.Parse<NetworkMode>(parse.GetValue(_network)!, ignoreCase: true),
        DiskMib = parse.GetValue(_diskMib),
        OutputDirectory = parse.GetValue(_out),
        BrokerDll = parse.GetValue(_brokerDll),
        PlanOnly = parse.GetValue(_planOnly),
    };

    private static List<FaultKind>? ParseFaults(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var kinds = new List<FaultKind>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!FaultKinds.TryParse(name, out var kind))
            {
                result.AddError($"--faults: '{name}' is not a fault; use {FaultKinds.Names(FaultKinds.All)}, or none");
                return null;
            }

            kinds.Add(kind);
        }

        return kinds.Count > 0 ? kinds.Distinct().ToList() : null;
    }
}
