using LogBroker.Client;
using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Workload;
using LogBroker.Protocol.Compression;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class TimelineTests
{
    [Fact]
    public void Each_second_counts_its_acks_and_failures_by_kind_and_ranks_their_latencies()
    {
        var all = new ProducerResult(0, new ProducerSpec("all", Acks.All, true, CompressionType.None, false), 104, [.. Enumerable.Range(1, 100).Select(i => new Ack(i, 0, i, 1_000_000 - (i * 1000), 1_000_000 + i))], [new DeliveryFailure(101, Protocol.Errors.ErrorCode.NetworkException, 0, 2_500_000)]);
        var leader = new ProducerResult(1, new ProducerSpec("leader", Acks.Leader, true, CompressionType.None, false), 1, [new Ack(0, 0, 0, 2_000_000, 2_100_000)], []);

        var timeline = Timeline.Build([all, leader], [0, 7], 3);

        Assert.Equal(4, timeline.Count);
        Assert.Equal((100L, 0L, 0L, 7L), (timeline[1].AckedAll, timeline[1].AckedLeader, timeline[1].Failed, timeline[1].Consumed));
        Assert.Equal(50.05, timeline[1].LatencyP50Ms!.Value, 3);
        Assert.Equal(99.099, timeline[1].LatencyP99Ms!.Value, 3);
        Assert.Equal(100.1, timeline[1].LatencyMaxMs!.Value, 3);
        Assert.Equal((0L, 1L, 1L), (timeline[2].AckedAll, timeline[2].AckedLeader, timeline[2].Failed));
        Assert.Equal(100, timeline[2].LatencyP99Ms);
        Assert.Null(timeline[0].LatencyP50Ms);
    }
}
