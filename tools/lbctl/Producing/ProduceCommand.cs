using System.CommandLine;
using System.Text;
using LogBroker.Client;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Errors;

namespace LogBroker.Lbctl.Producing;

/// <summary>
/// <c>lbctl produce TOPIC</c>: one record per input line (stdin or --file), optionally keyed and with
/// headers. Lines are handed to the producer in order and batched; the command flushes before it
/// exits and fails (exit 1) if any line was not delivered.
/// </summary>
internal static class ProduceCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var topicArgument = new Argument<string>("topic") { Description = "Topic to produce to" };
        var file = new Option<string>("--file", "-f") { Description = "Read lines from this file instead of stdin", HelpName = "path" };
        var keySeparator = new Option<string>("--key-separator") { Description = "Every line is KEY<sep>VALUE: the text before the first separator is the key (a line without it is an error)", HelpName = "sep" };
        var headers = new Option<string[]>("--header", "-H") { Description = "Header added to every record, as key=value; repeatable", HelpName = "key=value" };
        var acks = new Option<string>("--acks") { Description = "When the broker acknowledges: none, leader or all", DefaultValueFactory = _ => "leader" };
        acks.AcceptOnlyFromAmong("none", "leader", "all");
        var compression = new Option<string>("--compression") { Description = "Batch compression: none or lz4", DefaultValueFactory = _ => "none" };
        compression.AcceptOnlyFromAmong("none", "lz4");
        var partition = new Option<int?>("--partition", "-p") { Description = "Send every record to this partition (default: by key hash; unkeyed records spread in batches)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print where each line landed (always included with --output json)" };
        var command = new Command("produce", "Produce records to a topic, one per input line")
        {
            topicArgument, file, keySeparator, headers, acks, compression, partition, verbose,
        };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            var request = new ProduceRequest(
                result.GetRequiredValue(topicArgument),
                result.GetValue(keySeparator),
                [.. KeyValueArgs.Parse(result.GetValue(headers), "--header").Select(h => new RecordHeader(h.Key, Encoding.UTF8.GetBytes(h.Value)))],
                result.GetValue(partition),
                result.GetValue(acks) switch { "none" => Acks.None, "all" => Acks.All, _ => Acks.Leader },
                result.GetValue(compression) == "lz4" ? CompressionType.Lz4 : CompressionType.None,
                result.GetValue(verbose));
            if (request.KeySeparator is "")
            {
                throw new UsageException("--key-separator must not be empty");
            }

            var path = result.GetValue(file);
            using var ownedReader = path is null ? null : new StreamReader(path, Encoding.UTF8);
            return await ProduceAsync(context, request, ownedReader ?? io.Input, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ProduceAsync(CommandContext context, ProduceRequest request, TextReader input, CancellationToken cancellationToken)
    {
        await using (var admin = context.Admin())
        {
            // Fails fast on an unknown topic or partition, even when there is nothing to produce.
            var partitions = await admin.PartitionsOfAsync(request.Topic, cancellationToken);
            if (request.Partition is { } chosen && (chosen < 0 || chosen >= partitions.Count))
            {
                throw new LogBrokerException(ErrorCode.UnknownTopicOrPartition, $"topic '{request.Topic}' has {partitions.Count} partition(s); partition {chosen} does not exist");
            }
        }

        var log = new DeliveryLog(keepLines: context.IsJson || request.Verbose);
        var interrupted = false;
        var lines = 0;
        await using (var producer = new Producer(context.ProducerOptions() with { Acks = request.Acks, Compression = request.Compression }))
        {
            try
            {
                var reader = new InputLines(input);
                while (await reader.NextAsync(cancellationToken) is { } line)
                {
                    lines++;
                    if (!KeyedLine.TryParse(line, request.KeySeparator, out var record))
                    {
                        log.RecordFailure(lines, $"no key separator '{request.KeySeparator}' in the line");
                        break;
                    }

                    try
                    {
                        producer.Produce(request.Topic, record.Key, record.Value, log.CallbackFor(lines), request.Headers, partition: request.Partition);
                    }
                    catch (LogBrokerException e)
                    {
                        log.RecordFailure(lines, e.Message);
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true; // what was read is still flushed below
            }

            await producer.FlushAsync(CancellationToken.None);
        }

        Report(context, request, log);
        return interrupted ? ExitCodes.Interrupted : log.Failed > 0 ? ExitCodes.Error : ExitCodes.Ok;
    }

    private static void Report(CommandContext context, ProduceRequest request, DeliveryLog log)
    {
        if (context.IsJson)
        {
            context.WriteJson(new { topic = request.Topic, produced = log.Delivered, failed = log.Failed, records = log.Lines });
        }
        else
        {
            if (request.Verbose)
            {
                foreach (var line in log.Lines)
                {
                    context.WriteLine(line.Error is null
                        ? $"line {line.Line}: partition {line.Partition} offset {(line.Offset < 0 ? "unknown" : Formats.Number(line.Offset ?? -1))}"
                        : $"line {line.Line}: FAILED {line.Error}");
                }
            }

            var unknownOffsets = request.Acks == Acks.None ? " (acks=none: not confirmed by the broker)" : string.Empty;
            context.WriteLine($"Produced {log.Delivered} record(s) to '{request.Topic}'{unknownOffsets}.");
        }

        if (log.Failed > 0)
        {
            context.WriteError($"error: {log.Failed} record(s) were not delivered; first failure: {log.FirstError}");
        }
    }

    private sealed record ProduceRequest(string Topic, string? KeySeparator, RecordHeader[] Headers, int? Partition, Acks Acks, CompressionType Compression, bool Verbose);
}
