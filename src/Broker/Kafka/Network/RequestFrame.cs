using System.Buffers;
using LogBroker.Broker.Api;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>
/// One request's bytes, copied out of the socket's pipe into a pooled array as they arrive (so a frame
/// larger than the pipe's buffer cannot stall it) and charged to the connection's and the listener's
/// budgets until its response has been written.
/// </summary>
internal sealed class RequestFrame : IDisposable
{
    private readonly ByteBudget _connection;
    private readonly ByteBudget _total;
    private byte[]? _array;

    public RequestFrame(int size, ByteBudget connection, ByteBudget total)
    {
        Size = size;
        _connection = connection;
        _total = total;
        _array = ArrayPool<byte>.Shared.Rent(size);
    }

    public int Size { get; }

    public int Filled { get; private set; }

    public bool IsComplete => Filled == Size;

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Size);

    /// <summary>Copies what it still lacks from <paramref name="buffer"/>; returns how many bytes it took.</summary>
    public long Fill(in ReadOnlySequence<byte> buffer)
    {
        var take = (int)Math.Min(Size - Filled, buffer.Length);
        buffer.Slice(0, take).CopyTo(_array.AsSpan(Filled, take));
        Filled += take;
        return take;
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
            _connection.Release(Size);
            _total.Release(Size);
        }
    }
}
