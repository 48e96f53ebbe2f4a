using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using LogBroker.Storage.Segments;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// One replica's copy of a partition as it lies in its segment files after a clean stop, read offline
/// and read-only: the batches below an end offset, in offset order, each with the file and position it
/// was found at. Reading a file stops at its end or where no batch starts (pre-allocated zeros).
/// </summary>
public static class StoredLog
{
    /// <summary>A batch of a segment file: its fingerprint and where it lies.</summary>
    public readonly record struct StoredBatch(BatchFingerprint Fingerprint, string File, long Position);

    /// <summary>Batches of the partition directory <paramref name="directory"/> that start below <paramref name="end"/>.</summary>
    public static List<StoredBatch> Read(string directory, long end)
    {
        var segments = Directory.EnumerateFiles(directory, "*" + SegmentFiles.LogExtension)
            .Select(path => (Path: path, Ok: SegmentFiles.TryParseBaseOffset(Path.GetFileName(path), SegmentFiles.LogExtension, out var baseOffset), BaseOffset: baseOffset))
            .Where(s => s.Ok && s.BaseOffset < end)
            .OrderBy(s => s.BaseOffset);
        var batches = new List<StoredBatch>();
        foreach (var segment in segments)
        {
            ReadSegment(segment.Path, end, batches);
        }

        return batches;
    }

    private static void ReadSegment(string path, long end, List<StoredBatch> batches)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = RandomAccess.GetLength(file);
        var header = new byte[RecordBatchLayout.LogOverhead];
        long position = 0;
        while (position + RecordBatchLayout.HeaderSize <= length)
        {
            RandomAccess.Read(file, header, position);
            var baseOffset = BinaryPrimitives.ReadInt64BigEndian(header);
            var size = RecordBatchLayout.LogOverhead + (long)BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(RecordBatchLayout.BatchLength));
            if (size < RecordBatchLayout.HeaderSize || position + size > length || baseOffset >= end)
            {
                return;
            }

            var batch = new byte[size];
            var read = 0;
            while (read < size)
            {
                var n = RandomAccess.Read(file, batch.AsSpan(read), position + read);
                if (n == 0)
                {
                    return;
                }

                read += n;
            }

            batches.Add(new StoredBatch(BatchFingerprint.Of(batch), Path.GetFileName(path), position));
            position += size;
        }
    }
}
