using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Wire;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using LogBroker.Storage.Mapping;
using Microsoft.Win32.SafeHandles;

namespace LogBroker.Storage.Segments;

/// <summary>A segment's recovery scan and the walks that find where its data ends (at open, after truncation).</summary>
public sealed partial class Segment
{
    /// <summary>
    /// Rebuilds the indexes by scanning every batch from the start, checking framing, magic, CRC and
    /// that offsets only grow, and cuts the log at the first batch that fails. Only at open, before the
    /// segment is shared. Epochs found in batch headers are recorded in <paramref name="epochs"/>. The
    /// scan reads the file with <c>pread</c> rather than through the map (see <see cref="SequentialFileReader"/>).
    /// <para>
    /// Where the batches stop cleanly depends on the segment's place. The last segment is pre-allocated,
    /// so zeros after its data are its end. A segment followed by another must hold every batch up to
    /// where that one starts (<paramref name="nextSegmentBaseOffset"/>): zeros are its end only if they
    /// run to the end of the file and the batches before them reach the next segment's base offset
    /// (an untrimmed tail left by a stop during a roll, or the zeroed range of a truncation). Any other
    /// stop means data went missing, and keeping the later segments would leave a hole in the offsets.
    /// </para>
    /// </summary>
    internal SegmentRecovery Recover(LeaderEpochCache? epochs, long nextSegmentBaseOffset = -1)
    {
        _offsetIndex.Reset();
        _timeIndex.Reset();
        _maxTimestamp = RecordBatchLayout.NoTimestamp;
        _rollingTimestamp = RecordBatchLayout.NoTimestamp;
        _bytesSinceIndexEntry = 0;
        var mapped = _logMap.Length;
        long position = 0;
        long batches = 0;
        var expected = BaseOffset;
        string? damage = null;
        using var file = new SequentialFileReader(_log, mapped);
        while (position < mapped)
        {
            var prefix = file.Read(position, RecordBatchLayout.HeaderSize);
            if (!BatchHeader.TryRead(prefix, mapped - position, expected, out var header))
            {
                damage = nextSegmentBaseOffset < 0
                    ? (IsZeroed(prefix) ? null : $"unreadable batch header at position {position}")
                    : EarlyStopInSealedSegment(file, position, mapped, expected, nextSegmentBaseOffset);
                break;
            }

            var bytes = file.Read(position, header.SizeInBytes);
            var verdict = RecordBatchValidator.Validate(bytes, int.MaxValue, BatchValidationMode.Stored, out _);
            if (!verdict.IsValid)
            {
                damage = $"batch at position {position} (offset {header.BaseOffset}): {verdict.Message}";
                break;
            }

            IndexBatch(header.BaseOffset, header.MaxTimestamp, header.SizeInBytes, position);
            epochs?.Assign(header.PartitionLeaderEpoch, header.BaseOffset);
            expected = header.NextOffset;
            position += header.SizeInBytes;
            batches++;
        }

        _size = position;
        _extent = position;
        _nextOffset = batches == 0 ? BaseOffset : expected;
        _verifiedUpTo = position;

        // No reader exists yet, so the file may shrink: drop what follows the valid prefix, and give an
        // active segment back its zeroed pre-allocation so no stale batch can ever be read back.
        var capacity = _logMap.Length;
        RandomAccess.SetLength(_log, position);
        if (_active)
        {
            RandomAccess.SetLength(_log, capacity);
        }

        NeedsRecovery = false;
        return new SegmentRecovery(position, batches, damage is not null, damage);
    }

    /// <summary>
    /// Finds the end of the data at open: walks batch headers from the last index entry on, replaying
    /// the indexing rule, so that an index missing entries it should have (a deleted or damaged
    /// file) is noticed and rebuilt rather than trusted.
    /// </summary>
    private void LoadTail(long fileLength)
    {
        var indexIntact = _offsetIndex.Sanitize(fileLength);
        var start = _offsetIndex.LastEntry;
        var limit = Math.Min(fileLength, _logMap.Length);
        long position = start?.Position ?? 0;
        var expected = start?.Offset ?? BaseOffset;
        var next = BaseOffset;
        long maxTimestamp = RecordBatchLayout.NoTimestamp;
        long offsetOfMax = BaseOffset;
        var walkStart = position;
        var bytesSinceEntry = 0;
        while (position < limit && TryReadHeader(position, limit, out var header, expected))
        {
            if (header.MaxTimestamp > maxTimestamp)
            {
                maxTimestamp = header.MaxTimestamp;
                offsetOfMax = header.BaseOffset;
            }

            if (bytesSinceEntry > _indexIntervalBytes)
            {
                indexIntact = false; // appending this batch would have added an entry the index lacks
            }

            bytesSinceEntry += header.SizeInBytes;
            expected = header.NextOffset;
            next = header.NextOffset;
            position += header.SizeInBytes;
        }

        if (start is not null && position == walkStart)
        {
            // The last index entry points at something that is not a batch: distrust the index.
            indexIntact = false;
        }

        _size = position;
        _nextOffset = position == 0 ? BaseOffset : next;
        var timeIntact = _timeIndex.Sanitize(_nextOffset) && (_offsetIndex.Entries == 0 || _timeIndex.Entries > 0);
        _maxTimestamp = maxTimestamp;
        _offsetOfMaxTimestamp = offsetOfMax;
        if (_timeIndex.LastEntry is { } lastTime && lastTime.Timestamp >= maxTimestamp)
        {
            _maxTimestamp = lastTime.Timestamp;
            _offsetOfMaxTimestamp = lastTime.Offset;
        }

        _bytesSinceIndexEntry = bytesSinceEntry;
        if (position > 0 && TryReadHeader(0, position, out var first))
        {
            _rollingTimestamp = first.MaxTimestamp;
        }

        NeedsRecovery = !indexIntact || !timeIntact;
    }

    /// <summary>After a truncation: newest timestamp and index spacing from the last index entry on.</summary>
    private void RecomputeTail()
    {
        var start = _offsetIndex.LastEntry;
        long position = start?.Position ?? 0;
        var walkStart = position;
        var size = _size;
        long maxTimestamp = _timeIndex.LastEntry?.Timestamp ?? RecordBatchLayout.NoTimestamp;
        while (position < size && TryReadHeader(position, size, out var header))
        {
            if (header.MaxTimestamp > maxTimestamp)
            {
                maxTimestamp = header.MaxTimestamp;
                _offsetOfMaxTimestamp = header.BaseOffset;
            }

            position += header.SizeInBytes;
        }

        Volatile.Write(ref _maxTimestamp, maxTimestamp);
        _bytesSinceIndexEntry = (int)(position - walkStart);
        if (size == 0)
        {
            Volatile.Write(ref _rollingTimestamp, RecordBatchLayout.NoTimestamp);
        }
    }

    private static bool IsZeroed(ReadOnlySpan<byte> prefix) =>
        !prefix[..Math.Min(RecordBatchLayout.LogOverhead, prefix.Length)].ContainsAnyExcept((byte)0);

    /// <summary>Why batches that stop at <paramref name="position"/> of a segment followed by another are damage, or null when that is its clean end.</summary>
    private static string? EarlyStopInSealedSegment(SequentialFileReader file, long position, long limit, long nextOffset, long nextSegmentBaseOffset)
    {
        for (var zeros = position; zeros < limit; zeros += 1 << 20)
        {
            if (file.Read(zeros, (int)Math.Min(1 << 20, limit - zeros)).ContainsAnyExcept((byte)0))
            {
                return $"unreadable batch header at position {position} of {limit}, with data after it";
            }
        }

        return nextOffset == nextSegmentBaseOffset
            ? null
            : $"batches stop at position {position} of {limit} (offset {nextOffset}) but the next segment starts at offset {nextSegmentBaseOffset}";
    }
}
