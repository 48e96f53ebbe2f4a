using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// The "consumer" embedded protocol of classic groups (v0 encodings): a member's subscription and
/// assignment as DescribeGroups reports them, so tools show consumer-protocol members the way they
/// show classic ones.
/// </summary>
public static class ConsumerProtocol
{
    /// <summary>Subscription v0: version, topic names, null user data.</summary>
    public static byte[] Subscription(IReadOnlyCollection<string> topics)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteInt16(buffer, 0);
        WriteInt32(buffer, topics.Count);
        foreach (var topic in topics)
        {
            WriteString(buffer, topic);
        }

        WriteInt32(buffer, -1);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Assignment v0: version, per topic its partitions, null user data.</summary>
    public static byte[] Assignment(IEnumerable<(string Topic, int Partition)> partitions)
    {
        var byTopic = partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var buffer = new ArrayBufferWriter<byte>();
        WriteInt16(buffer, 0);
        WriteInt32(buffer, byTopic.Count);
        foreach (var topic in byTopic)
        {
            WriteString(buffer, topic.Key);
            WriteInt32(buffer, topic.Count());
            foreach (var (_, partition) in topic.OrderBy(p => p.Partition))
            {
                WriteInt32(buffer, partition);
            }
        }

        WriteInt32(buffer, -1);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteInt16(ArrayBufferWriter<byte> buffer, short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(buffer.GetSpan(2), value);
        buffer.Advance(2);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt16(buffer, (short)count);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(count));
        buffer.Advance(count);
    }
}
