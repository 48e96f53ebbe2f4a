using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Wire;
using LogBroker.Storage.Config;
using LogBroker.Storage.Durability;
using LogBroker.Storage.Log;
using LogBroker.Storage.Mapping;
using Microsoft.Win32.SafeHandles;

namespace LogBroker.Storage.Segments;

/// <summary>
/// One segment of a partition's log: a <c>.log</c> file of batches back to back, read through a memory
/// map, with its sparse <c>.index</c> and <c>.timeindex</c>.
/// <para>
/// Threading: one writer (the owning <see cref="PartitionLog"/>, under its write lock) appends,
/// truncates and seals; any number of readers read concurrently. A writer publishes bytes by writing
/// them with <c>pwrite</c> first and then <see cref="Size"/>; readers never look past the size they read,
/// so they only ever see whole batches.
/// </para>
/// <para>
/// Lifetime: the log holds one reference; each read holds another (<see cref="TryAcquire"/>). Files
/// are unmapped, and deleted if the segment was removed, only when the last reference goes, so
/// retention can remove a segment under a read in flight.
/// </para>
/// <para>
/// Integrity: batches appended in this process were validated on the way in. Bytes found on disk
/// are trusted only after their CRC is checked: by the recovery scan, or lazily by the first read
/// (<see cref="Verified"/> tracks how far). A batch that fails is never served.
/// </para>
/// <para>
/// File names: a segment in the log has its final names (<c>{base}.log</c> and so on). The cleaner builds a
/// replacement under a suffix (<see cref="SegmentFiles.CleanedSuffix"/>) and moves it to its final names
/// through <see cref="SegmentFiles.SwapSuffix"/> (<see cref="ChangeFileSuffix"/>); the map and handles do not
/// care what the files are called.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Lifetime is reference-counted (TryAcquire/Release), not IDisposable: the last Release closes the files.")]
public sealed partial class Segment
{
    private static readonly ReadOnlyMemory<byte> Zeros = new byte[64 * 1024];

    private readonly SafeFileHandle _log;
    private readonly MappedFile _logMap;
    private readonly OffsetIndex _offsetIndex;
    private readonly TimeIndex _timeIndex;
    private readonly int _indexIntervalBytes;
    private string _logPath;
    private string _suffix;
    private long _size;
    private long _extent;
    private long _nextOffset;
    private long _maxTimestamp = RecordBatchLayout.NoTimestamp;
    private long _offsetOfMaxTimestamp;
    private long _rollingTimestamp = RecordBatchLayout.NoTimestamp;
    private long _verifiedUpTo;
    private long _corruptPosition = -1;
    private int _bytesSinceIndexEntry;
    private int _refCount = 1;
    private volatile bool _active;
    private bool _deleted;
    private bool _trimOnClose;

    private Segment(string directory, long baseOffset, LogConfig config, bool active, bool writableIndexes, bool createNew, long inheritedExtent, string suffix = "")
    {
        Directory = directory;
        BaseOffset = baseOffset;
        _indexIntervalBytes = config.IndexIntervalBytes;
        _active = active;
        _nextOffset = baseOffset;
        _suffix = suffix;
        _logPath = SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.LogExtension) + suffix;
        _log = File.OpenHandle(_logPath, createNew ? FileMode.CreateNew : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var fileLength = RandomAccess.GetLength(_log);
            if (active && fileLength < config.SegmentBytes)
            {
                // Pre-allocate (sparse) so one map covers every byte this segment will ever hold.
                RandomAccess.SetLength(_log, config.SegmentBytes);
            }

            _logMap = MappedFile.Map(_log, writable: false);
            _offsetIndex = new OffsetIndex(SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.IndexExtension) + suffix, baseOffset, config.SegmentIndexBytes, writableIndexes);
            _timeIndex = new TimeIndex(SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.TimeIndexExtension) + suffix, baseOffset, config.SegmentIndexBytes, writableIndexes);
            if (!createNew)
            {
                LoadTail(fileLength);
            }

            _extent = Math.Max(_size, inheritedExtent);
        }
        catch
        {
            _offsetIndex?.Dispose();
            _timeIndex?.Dispose();
            _logMap?.Dispose();
            _log.Dispose();
            throw;
        }
    }

    public string Directory { get; }

    public long BaseOffset { get; }

    /// <summary>Bytes of whole batches in the log file.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>The offset after this segment's last batch; <see cref="BaseOffset"/> while empty.</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>Newest batch timestamp in the segment (ms), or -1 while empty. Retention by time goes by it.</summary>
    public long LargestTimestamp => Volatile.Read(ref _maxTimestamp);

    /// <summary>The timestamp <c>segment.ms</c> counts from: the first batch's newest timestamp (-1 while empty).</summary>
    public long RollingTimestamp => Volatile.Read(ref _rollingTimestamp);

    /// <summary>Wall-clock time (ms) this instance was created or opened: the age of a segment whose batches carry no timestamps.</summary>
    public long CreatedMs { get; private set; }

    public bool IsEmpty => Size == 0;

    public bool IsActive => _active;

    /// <summary>Bytes the log map can hold; appends past it need a new segment.</summary>
    public long Capacity => _logMap.Length;

    public bool IsIndexFull => _offsetIndex.IsFull || _timeIndex.IsFull;

    public long IndexSizeInBytes => _offsetIndex.SizeInBytes + _timeIndex.SizeInBytes;

    /// <summary>Bytes from the start whose batch CRCs are known good.</summary>
    public long Verified => Volatile.Read(ref _verifiedUpTo);

    /// <summary>True when the index files looked damaged at open; the caller should <see cref="Recover"/>.</summary>
    internal bool NeedsRecovery { get; private set; }

    /// <summary>Position of the first batch found to be corrupt since open, or -1.</summary>
    internal long CorruptPosition => Volatile.Read(ref _corruptPosition);

    internal long Extent => _extent;

    /// <summary>
    /// A new, empty, writable segment whose files carry <paramref name="suffix"/> after their extension:
    /// none for the log's active segment, <see cref="SegmentFiles.CleanedSuffix"/> for one the cleaner
    /// fills and seals before swapping it in. Files left over under the same names are replaced. The
    /// directory is fsynced before the segment is returned, so once data appended to it is flushed,
    /// a power failure cannot lose the files' names.
    /// </summary>
    internal static Segment CreateNew(string directory, long baseOffset, LogConfig config, long nowMs, string suffix = "")
    {
        foreach (var extension in (string[])[SegmentFiles.LogExtension, SegmentFiles.IndexExtension, SegmentFiles.TimeIndexExtension])
        {
            File.Delete(SegmentFiles.PathOf(directory, baseOffset, extension) + suffix);
        }

        var segment = new Segment(directory, baseOffset, config, active: true, writableIndexes: true, createNew: true, inheritedExtent: 0, suffix) { CreatedMs = nowMs };
        try
        {
            DirectoryFsync.Flush(directory);
        }
        catch
        {
            segment.MarkDeleted();
            throw;
        }

        return segment;
    }

    /// <summary>
    /// Opens a segment from its files: finds its end from the last index entry on (a few KiB), without
    /// checking CRCs. <paramref name="inheritedExtent"/> carries a superseded instance's extent so the
    /// file is never trimmed below what its readers may still touch. A sealed segment about to be
    /// recovered needs <paramref name="writableIndexes"/> so its indexes can be rebuilt.
    /// </summary>
    internal static Segment OpenExisting(string directory, long baseOffset, LogConfig config, long nowMs, bool active, bool writableIndexes = false, long inheritedExtent = 0) =>
        new(directory, baseOffset, config, active, active || writableIndexes, createNew: false, inheritedExtent) { CreatedMs = nowMs };

    /// <summary>
    /// Whether <c>segment.ms</c> says roll before appending a batch stamped <paramref name="incomingTimestamp"/>:
    /// as Kafka measures it, by the batch timestamps (incoming minus the first), so replaying old data
    /// does not roll on every append; by wall clock since creation only when there are no timestamps.
    /// </summary>
    internal bool IsOlderThan(long segmentMs, long incomingTimestamp, long nowMs)
    {
        if (IsEmpty)
        {
            return false;
        }

        var first = RollingTimestamp;
        return first >= 0 && incomingTimestamp >= 0
            ? incomingTimestamp - first > segmentMs
            : nowMs - CreatedMs > segmentMs;
    }

    /// <summary>
    /// Writes batches whose headers the log already stamped, as one gather write, then publishes them
    /// to readers and indexes them. Caller: the log's writer, after checking <see cref="Capacity"/>.
    /// </summary>
    internal void Append(IReadOnlyList<ReadOnlyMemory<byte>> buffers, ReadOnlySpan<AppendedBatch> batches, int totalBytes)
    {
        var position = _size;
        if (position + totalBytes > Capacity)
        {
            throw new InvalidOperationException($"segment {BaseOffset} holds {Capacity} bytes; {position} + {totalBytes} does not fit");
        }

        RandomAccess.Write(_log, buffers, position);
        var end = position + totalBytes;

        // What was validated on the way in is what was written: it needs no second CRC check on read.
        Interlocked.CompareExchange(ref _verifiedUpTo, end, position);
        Volatile.Write(ref _nextOffset, batches[^1].LastOffset + 1);
        Volatile.Write(ref _size, end);
        _extent = Math.Max(_extent, end);

        // Index entries go in after the size, so an entry a reader finds always points below the size it reads next.
        foreach (var batch in batches)
        {
            IndexBatch(batch.BaseOffset, batch.MaxTimestamp, batch.SizeInBytes, position);
            position += batch.SizeInBytes;
        }
    }

    /// <summary>
    /// Removes batches from the one holding <paramref name="offset"/> on (a batch is kept or removed
    /// whole) and returns the new next offset. The removed bytes are zeroed, never cut off, because a
    /// reader may still be touching them through the map.
    /// </summary>
    internal long TruncateTo(long offset)
    {
        var (_, position) = _offsetIndex.Lookup(offset);
        var size = _size;
        long cut = position;
        while (cut < size && TryReadHeader(cut, size, out var header) && header.LastOffset < offset)
        {
            cut += header.SizeInBytes;
        }

        if (cut >= size)
        {
            return NextOffset;
        }

        // Offsets stay unique even when compaction left a gap before the first removed batch.
        var firstRemoved = TryReadHeader(cut, size, out var removed) ? removed.BaseOffset : BaseOffset;
        _offsetIndex.TruncateTo(firstRemoved);
        _timeIndex.TruncateTo(firstRemoved);
        Volatile.Write(ref _size, cut);
        Volatile.Write(ref _nextOffset, cut == 0 ? BaseOffset : firstRemoved);
        if (_verifiedUpTo > cut)
        {
            Volatile.Write(ref _verifiedUpTo, cut);
        }

        if (_corruptPosition >= cut)
        {
            Volatile.Write(ref _corruptPosition, -1);
        }

        for (var zeroed = cut; zeroed < size; zeroed += Zeros.Length)
        {
            RandomAccess.Write(_log, Zeros.Span[..(int)Math.Min(Zeros.Length, size - zeroed)], zeroed);
        }

        RecomputeTail();
        return NextOffset;
    }

    /// <summary>Stops counting the pages readers touched as resident memory (see <see cref="MappedFile.ReleaseResidentPages"/>).</summary>
    internal void ReleaseResidentPages() => _logMap.ReleaseResidentPages();

    /// <summary>fsync of the log and its indexes.</summary>
    internal void Flush()
    {
        RandomAccess.FlushToDisk(_log);
        _offsetIndex.Flush();
        _timeIndex.Flush();
    }

    public override string ToString() => $"segment {BaseOffset}{_suffix} [{BaseOffset}, {NextOffset}) {Size} bytes{(IsActive ? " active" : string.Empty)}";

    private void IndexBatch(long baseOffset, long maxTimestamp, int sizeInBytes, long position)
    {
        if (maxTimestamp > _maxTimestamp)
        {
            Volatile.Write(ref _maxTimestamp, maxTimestamp);
            _offsetOfMaxTimestamp = baseOffset;
        }

        if (_rollingTimestamp == RecordBatchLayout.NoTimestamp)
        {
            Volatile.Write(ref _rollingTimestamp, maxTimestamp);
        }

        if (_bytesSinceIndexEntry > _indexIntervalBytes)
        {
            _offsetIndex.Append(baseOffset, (int)position);
            _timeIndex.MaybeAppend(_maxTimestamp, _offsetOfMaxTimestamp);
            _bytesSinceIndexEntry = 0;
        }

        _bytesSinceIndexEntry += sizeInBytes;
    }

    private bool TryReadHeader(long position, long limit, out BatchHeader header, long minBaseOffset = -1)
    {
        var available = limit - position;
        if (available < RecordBatchLayout.HeaderSize)
        {
            header = default;
            return false;
        }

        return BatchHeader.TryRead(_logMap.Read(position, RecordBatchLayout.HeaderSize), available, Math.Max(minBaseOffset, BaseOffset), out header);
    }
}
