using System.Buffers.Binary;

namespace LogBroker.Storage.Segments;

/// <summary>
/// Sparse map from timestamp to offset: 12-byte entries (the largest timestamp seen so far, int64; the
/// offset, relative to the segment base, of the batch that first reached it, uint32), big-endian.
/// Appended at the same moments as the offset index, but only when the largest timestamp grew, so
/// timestamps strictly increase and a binary search finds where to start looking for a time.
/// </summary>
internal sealed class TimeIndex : IndexFile
{
    public const int EntryBytes = 12;

    public TimeIndex(string path, long baseOffset, int maxIndexBytes, bool writable)
        : base(path, baseOffset, maxIndexBytes, writable, EntryBytes)
    {
    }

    /// <summary>
    /// Where to start scanning for the first record at or after <paramref name="timestamp"/>: the
    /// entry with the largest timestamp at most <paramref name="timestamp"/>, else the segment start.
    /// No record before the returned offset has a timestamp at or after the target.
    /// </summary>
    public long Lookup(long timestamp)
    {
        var i = FloorIndex(timestamp);
        return i < 0 ? BaseOffset : Entry(i).Offset;
    }

    public (long Timestamp, long Offset) Entry(int index)
    {
        var entry = EntryAt(index);
        return (BinaryPrimitives.ReadInt64BigEndian(entry), BaseOffset + BinaryPrimitives.ReadUInt32BigEndian(entry[8..]));
    }

    public (long Timestamp, long Offset)? LastEntry => Entries == 0 ? null : Entry(Entries - 1);

    /// <summary>Adds an entry if <paramref name="maxTimestamp"/> is newer than the last one.</summary>
    public void MaybeAppend(long maxTimestamp, long offset)
    {
        if (LastEntry is { } last && maxTimestamp <= last.Timestamp)
        {
            return;
        }

        var relative = offset - BaseOffset;
        if (relative is < 0 or > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} does not fit the time index of segment {BaseOffset}");
        }

        var span = NextEntrySpan();
        BinaryPrimitives.WriteInt64BigEndian(span, maxTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], (uint)relative);
        PublishEntry();
    }

    /// <summary>Drops entries for offsets at or past <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset)
    {
        var keep = Entries;
        while (keep > 0 && Entry(keep - 1).Offset >= offset)
        {
            keep--;
        }

        TruncateEntries(keep);
    }

    /// <summary>Keeps the longest prefix whose timestamps strictly increase and offsets never decrease and stay below <paramref name="nextOffset"/>.</summary>
    public bool Sanitize(long nextOffset)
    {
        var count = Entries;
        long previousTimestamp = long.MinValue;
        long previousOffset = BaseOffset;
        for (var i = 0; i < count; i++)
        {
            var (timestamp, offset) = Entry(i);
            if (timestamp <= previousTimestamp || offset < previousOffset || offset >= nextOffset)
            {
                TruncateEntries(i);
                ForgetUnpublishedTail();
                return false;
            }

            previousTimestamp = timestamp;
            previousOffset = offset;
        }

        ForgetUnpublishedTail();
        return true;
    }

    protected override long KeyAt(int index) => BinaryPrimitives.ReadInt64BigEndian(EntryAt(index));
}
