using System.Numerics;

namespace LogBroker.Loadgen.Producing;

/// <summary>
/// Send times of one producer's records to one partition that await their delivery report, oldest
/// first. The client completes a partition's records in the order they were produced (one stream per
/// broker, responses matched in order, batches of a partition drained in order), so the report for the
/// next record of that partition belongs to the oldest send time here: no per-record state has to
/// travel with the record.
/// <para>
/// One writer (the producer's thread) enqueues; any thread may dequeue, since the client can report
/// from its response reader, its send loop (timeouts) or its disposal. Lock-free: the writer publishes
/// each slot with a release write of the tail; readers claim a slot by compare-and-swap on the head.
/// When full, the writer doubles the array (amortised; the steady state allocates nothing). A reader
/// holding the old array still reads valid data: the writer never writes to an array it replaced, and
/// a slot is only reused after the head has passed it, which makes a stale reader's CAS fail.
/// </para>
/// </summary>
public sealed class SendTimeQueue
{
    private long[] _slots;
    private long _head;
    private long _tail;

    public SendTimeQueue(int initialCapacity = 256)
    {
        _slots = new long[Math.Max(2, (int)BitOperations.RoundUpToPowerOf2((uint)initialCapacity))];
    }

    /// <summary>Entries not yet dequeued (approximate while others are dequeuing).</summary>
    public long Count => Volatile.Read(ref _tail) - Volatile.Read(ref _head);

    public int Capacity => Volatile.Read(ref _slots).Length;

    /// <summary>Writer only.</summary>
    public void Enqueue(long sendMicros)
    {
        var tail = _tail;
        var slots = _slots;
        if (tail - Volatile.Read(ref _head) >= slots.Length)
        {
            slots = Grow(tail);
        }

        slots[tail & (slots.Length - 1)] = sendMicros;
        Volatile.Write(ref _tail, tail + 1);
    }

    /// <summary>
    /// Writer only: takes back the entry just enqueued, for a record the client refused (it threw, so no
    /// report will come for it, and no reader can have dequeued it: reports never outnumber accepted records).
    /// </summary>
    public void RemoveLast() => Volatile.Write(ref _tail, _tail - 1);

    /// <summary>Any thread: the oldest send time, if any.</summary>
    public bool TryDequeue(out long sendMicros)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head);
            var tail = Volatile.Read(ref _tail);
            if (head >= tail)
            {
                sendMicros = 0;
                return false;
            }

            // Read after the tail: an array published before that tail was, so it holds the slot.
            var slots = Volatile.Read(ref _slots);
            sendMicros = slots[head & (slots.Length - 1)];
            if (Interlocked.CompareExchange(ref _head, head + 1, head) == head)
            {
                return true;
            }
        }
    }

    private long[] Grow(long tail)
    {
        var old = _slots;
        var larger = new long[old.Length * 2];
        for (var i = Volatile.Read(ref _head); i < tail; i++)
        {
            larger[i & (larger.Length - 1)] = old[i & (old.Length - 1)];
        }

        Volatile.Write(ref _slots, larger);
        return larger;
    }
}
