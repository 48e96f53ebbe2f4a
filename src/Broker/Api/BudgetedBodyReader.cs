using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace LogBroker.Broker.Api;

/// <summary>
/// Wraps a gRPC request body and charges each length-prefixed gRPC message to its connection's
/// share of the <see cref="InFlightLimiter"/> before the gRPC framework sees a byte of it. While the
/// budget is spent the read waits; bytes not handed on are not examined, so Kestrel sends no HTTP/2
/// WINDOW_UPDATE for them and the client stops sending. What a connection holds unread is bounded by
/// its flow-control window, and what the broker holds in messages by the budget.
/// <para>
/// A message's charge ends when the call ends, or, for a call that streams requests
/// (<paramref name="streamsRequests"/>), when it comes back to read more after consuming it: the
/// handlers read a stream one message at a time and are done with a request before they read the
/// next. A unary handler runs after its one message is read, so that charge lasts the whole call. At
/// most one charged message is handed on beyond what is consumed, so a message never waits behind a
/// later one of its own call. One call, one reader at a time.
/// </para>
/// </summary>
public sealed class BudgetedBodyReader(PipeReader inner, InFlightLimiter.ConnectionScope scope, bool streamsRequests, CancellationToken aborted) : PipeReader, IDisposable
{
    /// <summary>gRPC's message prefix: a compressed-flag byte and a big-endian u32 length.</summary>
    private const int PrefixLength = 5;

    /// <summary>Stream position of the first byte of <see cref="_returned"/>: everything before it is consumed.</summary>
    private long _consumed;

    /// <summary>The buffer last handed on; the positions the caller advances to belong to it.</summary>
    private ReadOnlySequence<byte> _returned;

    /// <summary>The charged message not yet finished with, and the stream position where it ends.</summary>
    private InFlightLimiter.Lease? _charged;
    private long _chargedEnd;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (streamsRequests && _charged is not null && _consumed >= _chargedEnd)
        {
            _charged.Dispose(); // consumed, and the stream is back for more: it is done with that message
            _charged = null;
        }

        var result = await inner.ReadAsync(cancellationToken);
        var buffer = result.Buffer;
        if (_charged is null && buffer.Length >= PrefixLength)
        {
            // Consumption stops at message boundaries, so an uncharged buffer starts with a prefix.
            var length = MessageLength(buffer);
            _charged = scope.TryAcquire(PrefixLength + length, out var free) ? free : await WaitForBudgetAsync(PrefixLength + length, buffer, cancellationToken);
            _chargedEnd = _consumed + PrefixLength + length;
        }

        if (_charged is not null && _consumed + buffer.Length > _chargedEnd)
        {
            // Hand on nothing past the charged message: the next one is charged once this one is done.
            _returned = buffer.Slice(0, _chargedEnd - _consumed);
            return new ReadResult(_returned, result.IsCanceled, isCompleted: false);
        }

        _returned = buffer;
        return result;
    }

    private async Task<InFlightLimiter.Lease> WaitForBudgetAsync(long bytes, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, aborted);
        try
        {
            return await scope.AcquireAsync(bytes, linked.Token);
        }
        catch
        {
            inner.AdvanceTo(buffer.Start); // keep the reader's contract: every read is advanced
            throw;
        }
    }

    /// <summary>Never synchronous: a message must be charged before it is handed on, and charging may wait.</summary>
    public override bool TryRead(out ReadResult result)
    {
        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed += _returned.Slice(_returned.Start, consumed).Length;
        _returned = default;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        inner.Complete(exception);
        Dispose();
    }

    /// <summary>Ends the charge of the message in hand; called when the call ends.</summary>
    public void Dispose()
    {
        _charged?.Dispose();
        _charged = null;
    }

    private static long MessageLength(ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        return BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
    }
}
