using System.Buffers;

namespace LogBroker.Protocol.Framing;

/// <summary>
/// The records section of a received frame, in an array rented from <see cref="RecordsBufferPool"/>
/// and shared by everyone who holds a slice of it (one slice per partition, say). Reference counted:
/// it starts with one reference, each further holder takes one with <see cref="AddReference"/> and
/// gives it back with <see cref="Release"/>; the array returns to the pool when the last one is
/// released. A holder that hands slices to code whose lifetime it cannot see (an application that
/// may keep a record for as long as it likes) calls <see cref="Detach"/>: the array is then never
/// returned, and the garbage collector frees it once nothing refers to it. Thread-safe.
/// </summary>
public sealed class RecordsBuffer
{
    private readonly byte[] _array;
    private readonly int _length;
    private int _references = 1;
    private int _detached;

    private RecordsBuffer(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>The bytes; valid while the caller holds a reference (or after <see cref="Detach"/>, for as long as they are referenced).</summary>
    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public int Length => _length;

    /// <summary>Whether the array will go back to the pool when released.</summary>
    public bool IsDetached => Volatile.Read(ref _detached) != 0;

    /// <summary>A buffer holding a copy of <paramref name="source"/>: the one copy of a receive, out of the transport's own buffer.</summary>
    public static RecordsBuffer CopyOf(in ReadOnlySequence<byte> source)
    {
        if (source.Length > Array.MaxLength)
        {
            throw new InvalidDataException($"a records section of {source.Length} bytes is larger than any buffer");
        }

        var length = (int)source.Length;
        var array = length == 0 ? [] : RecordsBufferPool.Rent(length);
        source.CopyTo(array);
        return new RecordsBuffer(array, length);
    }

    public void AddReference()
    {
        var seen = Volatile.Read(ref _references);
        while (true)
        {
            if (seen <= 0)
            {
                throw new InvalidOperationException("the records buffer was already released");
            }

            var was = Interlocked.CompareExchange(ref _references, seen + 1, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left < 0)
        {
            throw new InvalidOperationException("the records buffer was released more often than referenced");
        }

        if (left == 0 && Volatile.Read(ref _detached) == 0 && _array.Length > 0)
        {
            RecordsBufferPool.Return(_array);
        }
    }

    /// <summary>Slices of this buffer may outlive every reference: never return the array to the pool.</summary>
    public void Detach() => Volatile.Write(ref _detached, 1);
}
