using System.CommandLine;
using LogBroker.Client;
using LogBroker.Lbctl.Cli;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Lbctl.Consuming;

/// <summary>
/// <c>lbctl consume TOPIC</c>: read records from one or all partitions, from the beginning, the end,
/// an offset or a time. Without --follow it stops at the high watermark each partition had when it
/// started; with it, it waits for new records until Ctrl-C. Ctrl-C ends a consume normally (exit 0),
/// with or without --follow and whenever it comes, as it ends Kafka's console consumer.
/// </summary>
internal static class ConsumeCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var topic = new Argument<string>("topic") { Description = "Topic to read" };
        var from = new Option<string>("--from") { Description = "Start at: beginning, end, an offset (a number), or an ISO-8601 time such as 2026-01-01T00:00:00Z (the first record at or after it). Default: beginning, or end with --follow", HelpName = "beginning|end|offset|time" };
        var partition = new Option<int?>("--partition", "-p") { Description = "Read only this partition (default: all)" };
        var follow = new Option<bool>("--follow", "-F") { Description = "Keep waiting for new records (until Ctrl-C) instead of stopping at the end" };
        var count = new Option<long?>("--count", "-n") { Description = "Stop after this many records" };
        count.AtLeast(1);
        var format = new Option<string>("--format") { Description = "text: the value per line; json: one object per line with topic, partition, offset, timestamp, key, value, headers. Default: json with --output json, else text" };
        format.AcceptOnlyFromAmong("text", "json");
        var printKey = new Option<bool>("--print-key", "-k") { Description = "Text format: print the key, a tab, then the value" };
        var fetchMode = new Option<string>("--fetch-mode") { Description = "poll: long-poll fetches; push: the broker streams new batches as they are appended", DefaultValueFactory = _ => "poll" };
        fetchMode.AcceptOnlyFromAmong("poll", "push");
        var command = new Command("consume", "Read records from a topic and print them. Ctrl-C ends it normally: exit code 0")
        {
            topic, from, partition, follow, count, format, printKey, fetchMode,
        };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            var following = result.GetValue(follow);
            var start = result.GetValue(from) is { } text ? StartPosition.Parse(text) : following ? StartPosition.End : StartPosition.Beginning;
            var json = (result.GetValue(format) ?? (context.IsJson ? "json" : "text")) == "json";
            var writer = new RecordWriter(io.Output, json, result.GetValue(printKey));
            var options = context.ConsumerOptions() with
            {
                FetchMode = result.GetValue(fetchMode) == "push" ? FetchMode.Push : FetchMode.Poll,

                // An exact offset outside the log is reported, not silently replaced by another position.
                AutoOffsetReset = start.Kind == StartKind.Offset ? AutoOffsetReset.Error : AutoOffsetReset.Earliest,
            };
            var target = new ConsumeTarget(result.GetRequiredValue(topic), result.GetValue(partition), start, following, result.GetValue(count));
            return await ConsumeAsync(context, target, options, writer, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ConsumeAsync(CommandContext context, ConsumeTarget target, ConsumerOptions options, RecordWriter writer, CancellationToken cancellationToken)
    {
        ConsumeLoop? loop = null;
        try
        {
            var plan = await PlanAsync(context, target, cancellationToken);
            await using var consumer = new Consumer(options);
            loop = new ConsumeLoop(consumer, plan.StopAt, target.Count, writer);
            await AssignAsync(consumer, loop, plan.Partitions, target.Start, plan.StopAt, plan.Earliest, cancellationToken);
            await loop.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a consume normally ends, whenever it comes, as with Kafka's console consumer.
        }

        context.WriteError($"Consumed {loop?.Consumed ?? 0} record(s).");
        return ExitCodes.Ok;
    }

    /// <summary>The partitions to read and, unless following, where each stops (and starts, from the beginning).</summary>
    private static async Task<ConsumePlan> PlanAsync(CommandContext context, ConsumeTarget target, CancellationToken cancellationToken)
    {
        await using var admin = context.Admin();

        // The consumer retries an unknown topic forever; ask first, so a typo fails at once.
        IReadOnlyList<TopicPartition> partitions = await admin.PartitionsOfAsync(target.Topic, cancellationToken);
        if (target.Partition is { } only)
        {
            partitions = only >= 0 && only < partitions.Count
                ? [new TopicPartition(target.Topic, only)]
                : throw new LogBrokerException(ErrorCode.UnknownTopicOrPartition, $"topic '{target.Topic}' has {partitions.Count} partition(s); partition {only} does not exist");
        }

        if (target.Follow)
        {
            return new ConsumePlan(partitions, null, null);
        }

        var stopAt = (await admin.ListOffsetsAsync(partitions, OffsetSpecs.Latest, cancellationToken)).ToDictionary(kv => kv.Key, kv => kv.Value.Offset);
        var earliest = target.Start.Kind == StartKind.Beginning
            ? (await admin.ListOffsetsAsync(partitions, OffsetSpecs.Earliest, cancellationToken)).ToDictionary(kv => kv.Key, kv => kv.Value.Offset)
            : null;
        return new ConsumePlan(partitions, stopAt, earliest);
    }

    /// <summary>
    /// Assigns the partitions that have something to read. When bounded, a partition that starts at or
    /// past its stop offset is not assigned at all: an exact offset beyond the end would otherwise be
    /// reported as out of range although there is simply nothing to show.
    /// </summary>
    private static async Task AssignAsync(Consumer consumer, ConsumeLoop loop, IReadOnlyList<TopicPartition> partitions, StartPosition start, Dictionary<TopicPartition, long>? stopAt, Dictionary<TopicPartition, long>? earliest, CancellationToken cancellationToken)
    {
        var toRead = new List<TopicPartition>();
        foreach (var partition in partitions)
        {
            var nothingToRead = stopAt is not null && start.Kind switch
            {
                StartKind.Beginning => earliest![partition] >= stopAt[partition],
                StartKind.Offset => start.Offset >= stopAt[partition],
                StartKind.End => true,
                _ => false,
            };
            if (nothingToRead)
            {
                loop.MarkFinished(partition);
            }
            else
            {
                toRead.Add(partition);
            }
        }

        if (toRead.Count == 0)
        {
            return;
        }

        var initial = start.Kind switch
        {
            StartKind.Beginning => Offset.Beginning,
            StartKind.Offset => start.Offset,
            _ => Offset.End,
        };
        consumer.Assign(toRead.Select(p => new TopicPartitionOffset(p, initial)));
        if (start.Kind != StartKind.Time)
        {
            return;
        }

        await consumer.SeekToTimestampAsync(start.Time, toRead, cancellationToken);
        foreach (var partition in toRead.Where(_ => stopAt is not null))
        {
            // No position means every record is older than the time: the seek went to the end.
            if (consumer.Position(partition) is not { } position || position >= stopAt![partition])
            {
                loop.MarkFinished(partition);
            }
        }
    }

    private sealed record ConsumeTarget(string Topic, int? Partition, StartPosition Start, bool Follow, long? Count);

    private sealed record ConsumePlan(IReadOnlyList<TopicPartition> Partitions, Dictionary<TopicPartition, long>? StopAt, Dictionary<TopicPartition, long>? Earliest);
}
