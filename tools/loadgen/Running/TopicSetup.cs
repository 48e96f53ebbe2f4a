using System.Globalization;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Loadgen.Cli;
using LogBroker.Loadgen.Consuming;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Loadgen.Running;

/// <summary>
/// Before a run: makes sure the topic exists (producing modes create it with <c>--partitions</c>; an
/// existing topic is used as it is; a replay needs it to exist), and works out which offsets each
/// partition is read from and to. Any <see cref="LogBrokerException"/> here means the run cannot start.
/// </summary>
public static class TopicSetup
{
    /// <summary>The topic's partition count, creating the topic first when the mode produces.</summary>
    public static async Task<int> PrepareAsync(AdminClient admin, LoadgenSettings settings, TextWriter notes, CancellationToken cancellationToken)
    {
        var created = false;
        if (settings.Produces)
        {
            var results = await admin.CreateTopicsAsync([new TopicSpecification(settings.Topic, settings.Partitions)], cancellationToken: cancellationToken);
            var (_, error, message) = results[0];
            if (error is not (ErrorCode.None or ErrorCode.TopicAlreadyExists))
            {
                throw new LogBrokerException(error, string.IsNullOrEmpty(message) ? $"cannot create topic '{settings.Topic}'" : message);
            }

            created = error == ErrorCode.None;
        }

        var described = await admin.DescribeTopicsAsync([settings.Topic], cancellationToken: cancellationToken);
        var description = (described.Count > 0 ? described[0] : null)
            ?? throw new LogBrokerException(ErrorCode.UnknownTopicOrPartition, $"topic '{settings.Topic}' does not exist");
        var partitions = description.Partitions.Count;
        if (!created && settings.Produces && partitions != settings.Partitions)
        {
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loadgen: topic '{settings.Topic}' exists with {partitions} partition(s); using it as it is"));
        }

        return partitions;
    }

    /// <summary>
    /// Per partition, what a run reads. Replay: from <see cref="LoadgenSettings.From"/> (clamped into the
    /// log) to the end offset now. e2e: from the end offset now, to an end learnt when producing is over.
    /// </summary>
    public static async Task<PartitionRange[]> PlanReadsAsync(AdminClient admin, LoadgenSettings settings, int partitionCount, CancellationToken cancellationToken)
    {
        var partitions = Enumerable.Range(0, partitionCount).Select(p => new TopicPartition(settings.Topic, p)).ToArray();
        var latest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Latest, cancellationToken);
        if (settings.Mode == RunMode.EndToEnd)
        {
            return [.. partitions.Select(tp => new PartitionRange(tp.Partition, latest[tp].Offset, PartitionRange.Unknown))];
        }

        var earliest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Earliest, cancellationToken);
        return
        [
            .. partitions.Select(tp =>
            {
                var (first, end) = (earliest[tp].Offset, latest[tp].Offset);
                var start = settings.From == Offset.Beginning ? first : Math.Clamp(settings.From, first, end);
                return new PartitionRange(tp.Partition, start, end);
            }),
        ];
    }

    /// <summary>End offsets now (after producing), per partition.</summary>
    public static async Task<long[]> EndOffsetsAsync(AdminClient admin, string topic, int partitionCount, CancellationToken cancellationToken)
    {
        var partitions = Enumerable.Range(0, partitionCount).Select(p => new TopicPartition(topic, p)).ToArray();
        var latest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Latest, cancellationToken);
        return [.. partitions.Select(tp => latest[tp].Offset)];
    }
}
