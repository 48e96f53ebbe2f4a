using System.Buffers.Binary;
using LogBroker.Faultlab.Workload;
using LogBroker.Protocol.Batches;
using LogBroker.Testing;

namespace LogBroker.Faultlab.Tests;

/// <summary>Stored batches of faultlab records for the checker tests: the base offset and leader epoch stamped as a broker would (outside the CRC).</summary>
public static class Batches
{
    public static byte[] Of(long baseOffset, int leaderEpoch, params RecordId[] ids)
    {
        var bytes = TestBatches.FromPairs(ids.Select(id => ("k", (string?)(id + "|pad"))));
        BinaryPrimitives.WriteInt64BigEndian(bytes, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.PartitionLeaderEpoch), leaderEpoch);
        return bytes;
    }

    public static RecordId[] Ids(int producer, long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new RecordId(producer, from + i))];
}
