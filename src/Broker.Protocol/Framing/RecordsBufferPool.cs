using System.Collections.Concurrent;
using System.Numerics;

namespace LogBroker.Protocol.Framing;

/// <summary>
/// The arrays behind <see cref="RecordsBuffer"/>s. Received sections are large (up to a fetch's max
/// bytes) and live while the application reads them, usually returned on another thread than the one
/// that received them, and many are out at once (every prefetched chunk of every consumer): more than
/// the shared pool keeps per size, so it would drop them and every receive would allocate anew. Here
/// each power-of-two size keeps up to <see cref="ArraysPerSize"/> arrays (what it holds is at most the
/// peak of what was out at once), and a miss allocates without zeroing (the bytes are overwritten at
/// once). Thread-safe.
/// </summary>
internal static class RecordsBufferPool
{
    private const int ArraysPerSize = 64;
    private const int SmallestShift = 12; // 4 KiB
    private const int LargestShift = 26; // 64 MiB: larger sections are allocated and left to the garbage collector

    private static readonly ConcurrentQueue<byte[]>[] Free = [.. Enumerable.Range(0, LargestShift - SmallestShift + 1).Select(_ => new ConcurrentQueue<byte[]>())];

    public static byte[] Rent(int length)
    {
        var shift = Math.Max(SmallestShift, 32 - BitOperations.LeadingZeroCount((uint)length - 1));
        if (shift > LargestShift)
        {
            return GC.AllocateUninitializedArray<byte>(length);
        }

        return Free[shift - SmallestShift].TryDequeue(out var array) ? array : GC.AllocateUninitializedArray<byte>(1 << shift);
    }

    public static void Return(byte[] array)
    {
        if (!BitOperations.IsPow2(array.Length))
        {
            return;
        }

        var shift = BitOperations.Log2((uint)array.Length);
        if (shift is >= SmallestShift and <= LargestShift && Free[shift - SmallestShift] is var queue && queue.Count < ArraysPerSize)
        {
            queue.Enqueue(array);
        }
    }
}
