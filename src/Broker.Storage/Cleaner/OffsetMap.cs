using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// Key → latest offset over the dirty part of a log, in a fixed-size open-addressing table sized by a
/// memory budget (Kafka's <c>SkimpyOffsetMap</c>). A key is stored as the MD5 hash of its bytes, so
/// every entry is 24 bytes whatever the key's length and the table never grows. Two keys with the same
/// 128-bit hash would count as one key; as in Kafka, that chance is accepted (MD5 is used here for
/// spread, not security). Linear probing; entries are never removed, only the whole table is cleared
/// between cleanings. One owner: the cleaner thread.
/// </summary>
[SuppressMessage("Security", "CA5351", Justification = "MD5 spreads keys over the table as Kafka's cleaner does; nothing here depends on collision resistance against an attacker.")]
internal sealed class OffsetMap
{
    public const int BytesPerEntry = 24;
    private const int HashBytes = 16;

    private readonly Entry[] _entries;

    public OffsetMap(long memoryBytes, double loadFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(loadFactor, 0.1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(loadFactor, 1.0);
        var slots = (int)Math.Clamp(memoryBytes / BytesPerEntry, 16, Array.MaxLength);
        _entries = new Entry[slots];
        Capacity = Math.Max(1, (int)(slots * loadFactor));
    }

    public int Slots => _entries.Length;

    /// <summary>Distinct keys the map takes before it counts as full (slots × load factor).</summary>
    public int Capacity { get; }

    /// <summary>Distinct keys held.</summary>
    public int Count { get; private set; }

    public void Clear()
    {
        if (Count > 0)
        {
            Array.Clear(_entries);
            Count = 0;
        }
    }

    /// <summary>Records <paramref name="offset"/> as the latest for <paramref name="key"/>. The caller keeps <see cref="Count"/> within <see cref="Capacity"/>.</summary>
    public void Put(ReadOnlySpan<byte> key, long offset)
    {
        Hash(key, out var h0, out var h1);
        ref var entry = ref Find(h0, h1);
        if (entry.OffsetPlusOne == 0)
        {
            if (Count >= Slots - 1)
            {
                throw new InvalidOperationException($"the offset map is full ({Count} keys in {Slots} slots)");
            }

            entry.Hash0 = h0;
            entry.Hash1 = h1;
            Count++;
        }

        entry.OffsetPlusOne = Math.Max(entry.OffsetPlusOne, offset + 1);
    }

    /// <summary>The latest offset recorded for <paramref name="key"/>, or -1 when it was not seen.</summary>
    public long Get(ReadOnlySpan<byte> key)
    {
        Hash(key, out var h0, out var h1);
        return Find(h0, h1).OffsetPlusOne - 1;
    }

    private static void Hash(ReadOnlySpan<byte> key, out ulong h0, out ulong h1)
    {
        Span<byte> digest = stackalloc byte[HashBytes];
        MD5.HashData(key, digest);
        h0 = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        h1 = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
    }

    /// <summary>The slot holding this hash, or the empty slot where it would go. The table always keeps an empty slot, so this ends.</summary>
    private ref Entry Find(ulong h0, ulong h1)
    {
        var slots = (ulong)_entries.Length;
        var slot = (int)(((h0 >> 32) * slots) >> 32); // the top 32 bits scaled onto the table, without a division
        while (true)
        {
            ref var entry = ref _entries[slot];
            if (entry.OffsetPlusOne == 0 || (entry.Hash0 == h0 && entry.Hash1 == h1))
            {
                return ref entry;
            }

            if (++slot == _entries.Length)
            {
                slot = 0;
            }
        }
    }

    /// <summary>One slot: the key's hash and its latest offset plus one, so that zeroed memory reads as empty.</summary>
    private struct Entry
    {
        public ulong Hash0;
        public ulong Hash1;
        public long OffsetPlusOne;
    }
}
