using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using LogBroker.Protocol.Framing;
using LogBroker.Protocol.Grpc;
using Xunit;

namespace LogBroker.Protocol.Tests;

/// <summary>The records frame: header and record bytes survive the marshaller both ways, and a malformed payload is refused with a reason.</summary>
public class RecordsFrameTests
{
    private static readonly Marshaller<RecordsFrame<RecordsFrameHeader>> Marshaller = FramedFetchMethods.FrameMarshaller;

    [Fact]
    public void A_frame_round_trips_header_and_sections_even_when_received_in_pieces()
    {
        var first = Enumerable.Range(0, 50_000).Select(i => (byte)i).ToArray();
        var second = Enumerable.Range(0, 777).Select(i => (byte)(i * 7)).ToArray();
        var header = new RecordsFrameHeader
        {
            Partitions =
            {
                new PartitionRecordsHeader { Topic = "t", Partition = 0, HighWatermark = 10, RecordsLength = first.Length },
                new PartitionRecordsHeader { Topic = "t", Partition = 1, ErrorCode = 6, ErrorMessage = "not the leader" },
                new PartitionRecordsHeader { Topic = "u", Partition = 2, HighWatermark = 3, RecordsLength = second.Length },
            },
        };

        var payload = Serialize(new RecordsFrame<RecordsFrameHeader>(header, [first, ReadOnlyMemory<byte>.Empty, second]));
        using var received = Marshaller.ContextualDeserializer(new PayloadContext(InPieces(payload, 4093)));

        Assert.Equal(header, received.Header);
        Assert.Equal(first.Concat(second).ToArray(), received.Records!.Memory.ToArray());
        Assert.Equal(payload.Length, RecordsFrameMarshaller.PrefixBytes + header.CalculateSize() + first.Length + second.Length);
    }

    [Fact]
    public void A_frame_with_no_records_has_an_empty_records_section()
    {
        var payload = Serialize(new RecordsFrame<RecordsFrameHeader>(new RecordsFrameHeader(), []));

        using var received = Marshaller.ContextualDeserializer(new PayloadContext(new ReadOnlySequence<byte>(payload)));

        Assert.Equal(0, received.Records!.Length);
        Assert.Empty(received.Header.Partitions);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 }, "does not start with the length")]
    [InlineData(new byte[] { 0, 0, 0, 9, 1, 2 }, "does not start with the length")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, "does not start with the length")]
    [InlineData(new byte[] { 0, 0, 0, 2, 0x0A, 0x05 }, "is not a valid RecordsFrameHeader")]
    public void A_payload_that_is_not_a_frame_is_refused_with_the_reason(byte[] payload, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => Marshaller.ContextualDeserializer(new PayloadContext(new ReadOnlySequence<byte>(payload))));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_records_buffer_counts_its_references_and_refuses_use_after_the_last_release()
    {
        var buffer = RecordsBuffer.CopyOf(new ReadOnlySequence<byte>(new byte[] { 1, 2, 3 }));
        buffer.AddReference();
        buffer.Release();
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer.Memory.ToArray());
        buffer.Release();

        Assert.Throws<InvalidOperationException>(buffer.AddReference);
        Assert.Throws<InvalidOperationException>(buffer.Release);
    }

    [Fact]
    public void A_detached_records_buffer_keeps_its_bytes_after_the_last_release()
    {
        var buffer = RecordsBuffer.CopyOf(new ReadOnlySequence<byte>(new byte[] { 4, 5, 6 }));
        var held = buffer.Memory;
        buffer.Detach();
        buffer.Release();

        // The array did not go back to the pool, so later receives cannot be copied into it.
        var later = Enumerable.Range(0, 128).Select(_ => RecordsBuffer.CopyOf(new ReadOnlySequence<byte>(new byte[] { 0xEE, 0xEE, 0xEE }))).ToList();

        Assert.True(buffer.IsDetached);
        Assert.Equal(new byte[] { 4, 5, 6 }, held.ToArray());
        later.ForEach(b => b.Release());
    }

    [Fact]
    public void The_buffer_pool_hands_back_a_returned_array_of_the_same_size_class_and_leaves_huge_ones_alone()
    {
        var first = RecordsBufferPool.Rent(5000);
        RecordsBufferPool.Return(first);
        var again = RecordsBufferPool.Rent(6000);
        var huge = RecordsBufferPool.Rent((64 << 20) + 1);

        Assert.Equal(8192, first.Length);
        Assert.Same(first, again);
        Assert.Equal((64 << 20) + 1, huge.Length);
        RecordsBufferPool.Return(again);
        RecordsBufferPool.Return(huge);
    }

    [Fact]
    public void The_header_length_prefix_is_big_endian()
    {
        var header = new RecordsFrameHeader { Partitions = { new PartitionRecordsHeader { Topic = "big", RecordsLength = 1 } } };

        var payload = Serialize(new RecordsFrame<RecordsFrameHeader>(header, [new byte[] { 42 }]));

        Assert.Equal(header.CalculateSize(), BinaryPrimitives.ReadInt32BigEndian(payload));
        Assert.Equal(42, payload[^1]);
    }

    private static byte[] Serialize(RecordsFrame<RecordsFrameHeader> frame)
    {
        var context = new WriterContext();
        Marshaller.ContextualSerializer(frame, context);
        Assert.True(context.Completed);
        Assert.Equal(context.DeclaredLength, context.Written.WrittenCount);
        return context.Written.WrittenSpan.ToArray();
    }

    private static ReadOnlySequence<byte> InPieces(byte[] payload, int pieceBytes)
    {
        Piece? first = null, last = null;
        for (var at = 0; at < payload.Length; at += pieceBytes)
        {
            var piece = new Piece(payload.AsMemory(at, Math.Min(pieceBytes, payload.Length - at)), at);
            if (last is null)
            {
                first = piece;
            }
            else
            {
                last.Next = piece;
            }

            last = piece;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Piece : ReadOnlySequenceSegment<byte>
    {
        public Piece(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public new Piece? Next
        {
            get => (Piece?)base.Next;
            set => base.Next = value;
        }
    }

    private sealed class WriterContext : SerializationContext
    {
        public ArrayBufferWriter<byte> Written { get; } = new();

        public int DeclaredLength { get; private set; } = -1;

        public bool Completed { get; private set; }

        public override void SetPayloadLength(int payloadLength) => DeclaredLength = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() => Written;

        public override void Complete() => Completed = true;

        public override void Complete(byte[] payload) => throw new InvalidOperationException("the frame is written through the buffer writer");
    }

    private sealed class PayloadContext(ReadOnlySequence<byte> payload) : DeserializationContext
    {
        public override int PayloadLength => (int)payload.Length;

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => payload;

        public override byte[] PayloadAsNewBuffer() => payload.ToArray();
    }
}
