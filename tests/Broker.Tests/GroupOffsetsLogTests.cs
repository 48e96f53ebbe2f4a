using LogBroker.Broker.Groups;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>The __consumer_offsets records as written: stamped by the broker's clock.</summary>
public class GroupOffsetsLogTests
{
    [Fact]
    public async Task Offsets_log_records_are_stamped_by_the_time_provider()
    {
        await using var broker = await BrokerHost.StartAsync();
        var clock = new ManualTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var replicas = broker.Services.GetRequiredService<ReplicaManager>();
        var store = broker.Services.GetRequiredService<GroupStore>();
        var log = new OffsetsLog(replicas, store.Log.PartitionCount, clock);
        Assert.True(log.TryGetPartition("stamped", out var partition));
        var start = partition.Log.LogEndOffset;

        log.Append("stamped", [OffsetsLog.GroupEpoch("stamped", 1)]);

        using var read = partition.Log.Read(start, 1 << 20, partition.Log.LogEndOffset);
        var batches = new BatchCursor(read.Records);
        Assert.True(batches.MoveNext(out var batch));
        var records = RecordCursor.ForBatch(batch);
        Assert.True(records.MoveNext(out var record));
        Assert.Equal(clock.NowMs, record.Timestamp);
    }
}
