using System.Buffers.Binary;

namespace LogBroker.Storage.Segments;

/// <summary>
/// Sparse map from offset to file position in a segment's log: 8-byte entries (offset relative to
/// the segment's base offset, uint32; position of a batch's first byte, uint32), big-endian, one every
/// <c>index.interval.bytes</c>. Each entry names a batch's base offset, so a lookup lands on the
/// start of a batch at or before the target.
/// </summary>
internal sealed class OffsetIndex : IndexFile
{
    public const int EntryBytes = 8;

    public OffsetIndex(string path, long baseOffset, int maxIndexBytes, bool writable)
        : base(path, baseOffset, maxIndexBytes, writable, EntryBytes)
    {
    }

    /// <summary>The indexed batch at or before <paramref name="targetOffset"/>; the segment's start when none is.</summary>
    public (long Offset, int Position) Lookup(long targetOffset)
    {
        var relative = targetOffset - BaseOffset;
        if (relative < 0)
        {
            return (BaseOffset, 0);
        }

        var i = FloorIndex(Math.Min(relative, uint.MaxValue));
        return i < 0 ? (BaseOffset, 0) : Entry(i);
    }

    public (long Offset, int Position) Entry(int index)
    {
        var entry = EntryAt(index);
        return (BaseOffset + BinaryPrimitives.ReadUInt32BigEndian(entry), (int)BinaryPrimitives.ReadUInt32BigEndian(entry[4..]));
    }

    public (long Offset, int Position)? LastEntry => Entries == 0 ? null : Entry(Entries - 1);

    public void Append(long offset, int position)
    {
        var relative = offset - BaseOffset;
        if (relative is < 0 or > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} does not fit the index of segment {BaseOffset}");
        }

        if (LastEntry is { } last && (offset <= last.Offset || position <= last.Position))
        {
            throw new InvalidOperationException($"index entries must increase: ({offset}, {position}) after ({last.Offset}, {last.Position})");
        }

        var span = NextEntrySpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)relative);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)position);
        PublishEntry();
    }

    /// <summary>Drops entries for offsets at or past <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset)
    {
        var keep = FloorIndex(offset - BaseOffset - 1) + 1;
        TruncateEntries(keep);
    }

    /// <summary>
    /// Keeps the longest prefix of entries that strictly increase and point inside a log of
    /// <paramref name="logSize"/> bytes; true when every entry passed (an unclean shutdown leaves a
    /// pre-allocated tail of zeros, and anything after it cannot be trusted).
    /// </summary>
    public bool Sanitize(long logSize)
    {
        var count = Entries;
        long previousOffset = -1;
        long previousPosition = 0;
        for (var i = 0; i < count; i++)
        {
            var (offset, position) = Entry(i);
            if (offset <= previousOffset || position <= previousPosition || position >= logSize)
            {
                TruncateEntries(i);
                ForgetUnpublishedTail();
                return false;
            }

            previousOffset = offset;
            previousPosition = position;
        }

        ForgetUnpublishedTail();
        return true;
    }

    protected override long KeyAt(int index) => BinaryPrimitives.ReadUInt32BigEndian(EntryAt(index));
}
