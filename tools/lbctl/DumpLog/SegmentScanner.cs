using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using Microsoft.Win32.SafeHandles;

namespace LogBroker.Lbctl.DumpLog;

/// <summary>
/// Walks a segment <c>.log</c> file batch by batch, offline: no broker, no index, nothing written.
/// Opens with <see cref="FileShare.ReadWrite"/> | <see cref="FileShare.Delete"/> so a segment the broker
/// has open (even the active one it is appending to) can be read. A batch whose framing is readable
/// is reported whatever its checks say and the walk goes on; it stops at the end of the file, at zeros
/// that run to the end of the file (pre-allocated space), at zeros with data after them (a zeroed gap:
/// damage), or at bytes that cannot be a whole batch (see <see cref="End"/>). One batch is in memory at
/// a time. Not thread-safe.
/// </summary>
internal sealed class SegmentScanner : IDisposable
{
    /// <summary>Larger than any batch a broker accepts; a length beyond it is damage, not a batch worth reading into memory.</summary>
    private const int MaxBatchBytes = 256 * 1024 * 1024;

    private const int ZeroCheckChunkBytes = 64 * 1024;

    private readonly SafeFileHandle _file;
    private byte[] _buffer = new byte[64 * 1024];

    public SegmentScanner(string path)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Length = RandomAccess.GetLength(_file);
    }

    /// <summary>The file's length, pre-allocated space included.</summary>
    public long Length { get; }

    /// <summary>Why the scan stopped; set once <see cref="Scan"/> has been enumerated to the end.</summary>
    public ScanEnd? End { get; private set; }

    public IEnumerable<ScannedBatch> Scan(bool decodeRecords)
    {
        long position = 0;
        while (true)
        {
            var remaining = Length - position;
            if (remaining == 0)
            {
                End = ScanEnd.EndOfFile(position);
                yield break;
            }

            var header = Read(position, (int)Math.Min(remaining, RecordBatchLayout.HeaderSize));
            if (!header.Span.ContainsAnyExcept((byte)0))
            {
                // No batch starts here (a batch always has a length and magic 2). The broker's pre-allocated
                // space is zero to the end of the file; zeros with data after them are a lost or zeroed write.
                if (FirstNonZeroByte(position) is not { } dataAt)
                {
                    End = ScanEnd.PreallocatedSpace(position, remaining);
                    yield break;
                }

                if (Read(position, header.Length).Span.ContainsAnyExcept((byte)0))
                {
                    continue; // the broker appended a batch here while we looked: read it
                }

                End = ScanEnd.ZeroedGap(position, remaining, $"zeros where a batch should start, yet the first non-zero byte after them is at position {dataAt}; pre-allocated space is zero to the end of the file");
                yield break;
            }

            if (TornAt(header.Span, remaining) is { } reason)
            {
                End = ScanEnd.TornTail(position, remaining, reason);
                yield break;
            }

            var size = RecordBatchLayout.LogOverhead + BinaryPrimitives.ReadInt32BigEndian(header.Span[RecordBatchLayout.BatchLength..]);
            yield return ScannedBatch.Read(Read(position, size), position, decodeRecords);
            position += size;
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>The position of the first non-zero byte at or after <paramref name="from"/>, or null when zeros run to the end. Skips holes unread.</summary>
    private long? FirstNonZeroByte(long from)
    {
        var position = from;
        while (position < Length)
        {
            var dataStart = FileRegions.NextData(_file, position, Length);
            if (dataStart >= Length)
            {
                return null;
            }

            var dataEnd = Math.Max(FileRegions.NextHole(_file, dataStart, Length), dataStart + 1);
            for (var chunk = dataStart; chunk < dataEnd; chunk += ZeroCheckChunkBytes)
            {
                var bytes = Read(chunk, (int)Math.Min(ZeroCheckChunkBytes, dataEnd - chunk)).Span;
                var nonZero = bytes.IndexOfAnyExcept((byte)0);
                if (nonZero >= 0)
                {
                    return chunk + nonZero;
                }
            }

            position = dataEnd;
        }

        return null;
    }

    /// <summary>Why the bytes from here on cannot be a whole batch, or null when the framing holds.</summary>
    private static string? TornAt(ReadOnlySpan<byte> header, long remaining)
    {
        if (header.Length < RecordBatchLayout.HeaderSize)
        {
            return $"{remaining} byte(s) remain, too few for a batch header ({RecordBatchLayout.HeaderSize} bytes)";
        }

        var batchLength = BinaryPrimitives.ReadInt32BigEndian(header[RecordBatchLayout.BatchLength..]);
        if (batchLength < RecordBatchLayout.MinBatchLength)
        {
            return $"batchLength is {batchLength}; a v2 batch needs at least {RecordBatchLayout.MinBatchLength}";
        }

        var size = (long)RecordBatchLayout.LogOverhead + batchLength;
        if (size > remaining)
        {
            return $"the batch claims {size} bytes but only {remaining} remain in the file";
        }

        return size > MaxBatchBytes ? $"the batch claims {size} bytes, more than any broker accepts" : null;
    }

    private ReadOnlyMemory<byte> Read(long position, int count)
    {
        if (_buffer.Length < count)
        {
            _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
        }

        var read = 0;
        while (read < count)
        {
            var n = RandomAccess.Read(_file, _buffer.AsSpan(read, count - read), position + read);
            if (n == 0)
            {
                throw new EndOfStreamException($"the file ended at {position + read} while reading {count} bytes at {position} (was it truncated while being read?)");
            }

            read += n;
        }

        return _buffer.AsMemory(0, count);
    }
}
