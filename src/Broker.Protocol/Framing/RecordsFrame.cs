using Google.Protobuf;

namespace LogBroker.Protocol.Framing;

/// <summary>
/// One gRPC message made of a small protobuf header and record bytes carried as they are, so that a
/// response full of batches costs no protobuf <c>bytes</c> field on either side: the sender writes the
/// batches straight from the log's memory into the transport, the receiver copies the records section
/// once out of the transport's buffer into a pooled <see cref="RecordsBuffer"/> and decodes records in
/// place. Layout: header length (4 bytes, big-endian), the header, the records section (the rest).
/// The header type says how the records section divides (for example one length per partition).
/// <para>
/// Any RPC can answer with frames: define a header message, a <see cref="Grpc.Core.Method{TRequest,TResponse}"/>
/// whose response marshaller is <see cref="RecordsFrameMarshaller.Create{THeader}"/>, build frames with
/// the public constructor on the server and read <see cref="Header"/> and <see cref="Records"/> on the
/// client (see <see cref="FramedFetchMethods"/>).
/// </para>
/// A sending frame borrows its sections: the caller keeps them alive until the frame is written. A
/// received frame owns one reference on <see cref="Records"/>: dispose it (after taking references
/// of its own for any slices kept).
/// </summary>
public sealed class RecordsFrame<THeader> : IDisposable
    where THeader : class, IMessage<THeader>
{
    private readonly ReadOnlyMemory<byte>[]? _sections;
    private int _disposed;

    /// <summary>A frame to send: <paramref name="header"/>, then <paramref name="sections"/> back to back. The sections must stay valid until it is written.</summary>
    public RecordsFrame(THeader header, ReadOnlyMemory<byte>[] sections)
    {
        Header = header;
        _sections = sections;
    }

    internal RecordsFrame(THeader header, RecordsBuffer records)
    {
        Header = header;
        Records = records;
    }

    public THeader Header { get; }

    /// <summary>The received records section; null on a frame built for sending.</summary>
    public RecordsBuffer? Records { get; }

    /// <summary>The sections to send after the header, in order (empty ones are skipped).</summary>
    internal ReadOnlySpan<ReadOnlyMemory<byte>> Sections => _sections;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Records?.Release();
        }
    }
}
