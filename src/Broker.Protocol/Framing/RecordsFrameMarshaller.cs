using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;

namespace LogBroker.Protocol.Framing;

/// <summary>
/// The gRPC marshaller of <see cref="RecordsFrame{THeader}"/>. Serializing writes the header length,
/// the header and every section straight into the transport's buffer (the payload length is known up
/// front, so gRPC hands out its response pipe rather than an intermediate array): the only copy of the
/// record bytes on the sending side is the one into the transport. Deserializing parses the header
/// and copies the records section once, out of the transport's buffer (which gRPC reuses as soon as
/// this returns), into a pooled <see cref="RecordsBuffer"/>.
/// </summary>
public static class RecordsFrameMarshaller
{
    /// <summary>Bytes of the header-length prefix.</summary>
    public const int PrefixBytes = 4;

    /// <summary>Largest section slice written at once: the transport's buffers are small blocks, so ask for what a block holds.</summary>
    private const int CopyChunkBytes = 16 * 1024;

    public static Marshaller<RecordsFrame<THeader>> Create<THeader>(MessageParser<THeader> parser)
        where THeader : class, IMessage<THeader> =>
        Marshallers.Create<RecordsFrame<THeader>>(Serialize, context => Deserialize(context.PayloadAsReadOnlySequence(), parser));

    /// <summary>Reads a frame's payload; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static RecordsFrame<THeader> Deserialize<THeader>(in ReadOnlySequence<byte> payload, MessageParser<THeader> parser)
        where THeader : class, IMessage<THeader>
    {
        var reader = new SequenceReader<byte>(payload);
        if (!reader.TryReadBigEndian(out int headerLength) || headerLength < 0 || headerLength > reader.Remaining)
        {
            throw new InvalidDataException($"a records frame of {payload.Length} bytes does not start with the length of a header it holds");
        }

        THeader header;
        try
        {
            header = parser.ParseFrom(payload.Slice(PrefixBytes, headerLength));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"a records frame's header ({headerLength} bytes) is not a valid {typeof(THeader).Name}: {e.Message}", e);
        }

        return new RecordsFrame<THeader>(header, RecordsBuffer.CopyOf(payload.Slice(PrefixBytes + headerLength)));
    }

    /// <summary>Writes <paramref name="frame"/> as one payload.</summary>
    public static void Serialize<THeader>(RecordsFrame<THeader> frame, SerializationContext context)
        where THeader : class, IMessage<THeader>
    {
        var headerLength = frame.Header.CalculateSize();
        long total = PrefixBytes + headerLength;
        foreach (var section in frame.Sections)
        {
            total += section.Length;
        }

        if (total > int.MaxValue)
        {
            throw new InvalidOperationException($"a records frame of {total} bytes is larger than one gRPC message may be");
        }

        context.SetPayloadLength((int)total);
        var writer = context.GetBufferWriter();
        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(PrefixBytes), headerLength);
        writer.Advance(PrefixBytes);
        frame.Header.WriteTo(writer);
        foreach (var section in frame.Sections)
        {
            var left = section.Span;
            while (!left.IsEmpty)
            {
                var target = writer.GetSpan(Math.Min(left.Length, CopyChunkBytes));
                var n = Math.Min(target.Length, left.Length);
                left[..n].CopyTo(target);
                writer.Advance(n);
                left = left[n..];
            }
        }

        context.Complete();
    }
}
