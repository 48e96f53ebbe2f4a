using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LogBroker.Client;
using LogBroker.Protocol.Compression;

namespace LogBroker.Loadgen.Cli;

/// <summary>
/// The command line: one subcommand per <see cref="RunMode"/>, each with the knobs that mean something
/// for it, read into <see cref="LoadgenSettings"/>. Parsing only; running is the caller's.
/// </summary>
public sealed class LoadgenCommands
{
    private readonly Option<string> _bootstrap = new("--bootstrap") { HelpName = "URL[,URL...]", Description = "Broker gRPC address(es), comma-separated", DefaultValueFactory = _ => "http://127.0.0.1:9400" };
    private readonly Option<string> _topic = new("--topic") { HelpName = "NAME", Description = "Topic to use; created if missing", DefaultValueFactory = _ => "loadgen" };
    private readonly Option<int> _partitions = new("--partitions") { HelpName = "N", Description = "Partitions to create the topic with if it does not exist (an existing topic is used as it is)", DefaultValueFactory = _ => 1 };
    private readonly Option<long?> _count = new("--count") { HelpName = "N", Description = "Records to produce (produce, e2e) or at most to read (consume)" };
    private readonly Option<double?> _duration = new("--duration") { HelpName = "SECONDS", Description = "Seconds to measure, after the warmup (default 10 when producing without --count)" };
    private readonly Option<double> _warmup = new("--warmup") { HelpName = "SECONDS", Description = "Seconds at the start left out of histograms and throughput", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _json = new("--json") { HelpName = "FILE", Description = "Write the summary and the per-second series to this JSON file" };
    private readonly Option<string?> _html = new("--html") { HelpName = "FILE", Description = "Write a self-contained HTML report with charts to this file" };
    private readonly Option<int> _producers = new("--producers") { HelpName = "N", Description = "Producer clients, each on its own thread", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _recordSize = new("--record-size") { HelpName = "BYTES", Description = "Value size in bytes", DefaultValueFactory = _ => 100 };
    private readonly Option<KeyDistribution> _keys = new("--keys") { HelpName = "none|uniform:N", Description = "none, or uniform:N for N distinct keys chosen uniformly", DefaultValueFactory = _ => KeyDistribution.None, CustomParser = ParseKeys };
    private readonly Option<string> _acks = new("--acks") { Description = "When the broker acknowledges", DefaultValueFactory = _ => "leader" };
    private readonly Option<string> _compression = new("--compression") { Description = "Batch compression", DefaultValueFactory = _ => "none" };
    private readonly Option<int?> _batchSize = new("--batch-size") { HelpName = "BYTES", Description = "Producer batch size in bytes (client default when absent)" };
    private readonly Option<double?> _lingerMs = new("--linger-ms") { HelpName = "MS", Description = "Producer linger in milliseconds (client default when absent)" };
    private readonly Option<double> _rate = new("--rate") { HelpName = "RECORDS_PER_SEC", Description = "Records per second across all producers; 0 for flat out", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _consumers = new("--consumers") { HelpName = "N", Description = "Consumer clients; partition p goes to consumer p mod N, and N is cut to the partition count", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _fetchMode = new("--fetch-mode") { Description = "How consumers fetch", DefaultValueFactory = _ => "poll" };
    private readonly Option<bool> _batch = new("--batch") { Description = "Consumers read whole fetched batches at a time (ConsumeBatchAsync) rather than one record per call" };
    private readonly Option<long> _from = new("--from") { Description = "Where to start reading in every partition: beginning, or an offset", DefaultValueFactory = _ => Offset.Beginning, CustomParser = ParseFrom, HelpName = "beginning|OFFSET" };

    public LoadgenCommands()
    {
        _acks.AcceptOnlyFromAmong("none", "leader", "all");
        _compression.AcceptOnlyFromAmong("none", "lz4");
        _fetchMode.AcceptOnlyFromAmong("poll", "push");
    }

    /// <summary>The root command; each subcommand's action checks its settings, then hands them to <paramref name="run"/>.</summary>
    public RootCommand Build(Func<LoadgenSettings, CancellationToken, Task<int>> run, string commandLine, TextWriter stderr)
    {
        var root = new RootCommand("LogBroker load generator: throughput and latency under load");
        root.Add(Subcommand("produce", "Produce records and measure throughput and acknowledgement latency", RunMode.Produce, run, commandLine, stderr));
        root.Add(Subcommand("consume", "Replay records from an offset up to the end offsets seen at start", RunMode.Consume, run, commandLine, stderr));
        root.Add(Subcommand("e2e", "Produce and consume at once; measure produce-to-consume latency", RunMode.EndToEnd, run, commandLine, stderr));
        return root;
    }

    private Command Subcommand(string name, string description, RunMode mode, Func<LoadgenSettings, CancellationToken, Task<int>> run, string commandLine, TextWriter stderr)
    {
        var command = new Command(name, description) { _bootstrap, _topic, _partitions, _count, _duration, _warmup, _json, _html };
        if (mode != RunMode.Consume)
        {
            foreach (var option in new Option[] { _producers, _recordSize, _keys, _acks, _compression, _batchSize, _lingerMs, _rate })
            {
                command.Add(option);
            }
        }

        if (mode != RunMode.Produce)
        {
            command.Add(_consumers);
            command.Add(_fetchMode);
            command.Add(_batch);
        }

        if (mode == RunMode.Consume)
        {
            command.Add(_from);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var settings = Read(parse, mode) with { CommandLine = commandLine };
            if (settings.Validate() is { } problem)
            {
                stderr.WriteLine($"loadgen: {problem}");
                return Task.FromResult(1);
            }

            return run(settings, cancellationToken);
        });
        return command;
    }

    /// <summary>Options a subcommand does not have read as their type's default, so only the mode's own are read; the rest keep the settings' defaults.</summary>
    private LoadgenSettings Read(ParseResult parse, RunMode mode)
    {
        var settings = new LoadgenSettings
        {
            Mode = mode,
            Bootstrap = parse.GetValue(_bootstrap)!,
            Topic = parse.GetValue(_topic)!,
            Partitions = parse.GetValue(_partitions),
            Count = parse.GetValue(_count),
            Duration = parse.GetValue(_duration) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Warmup = TimeSpan.FromSeconds(parse.GetValue(_warmup)),
            JsonPath = parse.GetValue(_json),
            HtmlPath = parse.GetValue(_html),
        };

        if (settings.Produces)
        {
            settings = settings with
            {
                Producers = parse.GetValue(_producers),
                RecordSize = parse.GetValue(_recordSize),
                Keys = parse.GetValue(_keys),
                Acks = parse.GetValue(_acks) switch { "none" => Acks.None, "all" => Acks.All, _ => Acks.Leader },
                Compression = parse.GetValue(_compression) == "lz4" ? CompressionType.Lz4 : CompressionType.None,
                BatchSize = parse.GetValue(_batchSize),
                Linger = parse.GetValue(_lingerMs) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                RecordsPerSecond = parse.GetValue(_rate),
            };
        }

        if (settings.Consumes)
        {
            settings = settings with
            {
                Consumers = parse.GetValue(_consumers),
                FetchMode = parse.GetValue(_fetchMode) == "push" ? FetchMode.Push : FetchMode.Poll,
                Batch = parse.GetValue(_batch),
            };
        }

        return mode == RunMode.Consume ? settings with { From = parse.GetValue(_from) } : settings;
    }

    private static KeyDistribution ParseKeys(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "none";
        if (!KeyDistribution.TryParse(text, out var keys, out var error))
        {
            result.AddError(error);
        }

        return keys;
    }

    private static long ParseFrom(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "beginning";
        if (string.Equals(text, "beginning", StringComparison.OrdinalIgnoreCase))
        {
            return Offset.Beginning;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return offset;
        }

        result.AddError($"--from must be 'beginning' or an offset of at least 0, not '{text}'");
        return Offset.Beginning;
    }
}
