using System.Buffers.Binary;
using LogBroker.Protocol.Wire;
using LogBroker.Storage.Durability;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Producers;

/// <summary>
/// The <c>&lt;20-digit offset&gt;.snapshot</c> file: every producer's state as of that offset (state built
/// from the batches below it), so that opening a log replays only the batches after its latest
/// snapshot. Modelled on Kafka's producer snapshot (version, CRC, then per producer its id, epoch and
/// last batch), but keeping the last <see cref="ProducerStateEntry.BatchesToRetain"/> batches of each
/// producer so that deduplication of retries survives a restart. Big-endian throughout:
/// <code>
/// version      int16   1
/// crc          uint32  CRC-32C of every byte after this field
/// offset       int64   the offset in the file name (a copied or renamed file is caught)
/// producers    int32
///   producerId int64, epoch int16, batches int8 (1..5), then per batch, oldest first:
///   lastSequence int32, lastOffset int64, offsetDelta int32, timestamp int64
/// </code>
/// A file that fails any check is damage (<see cref="InvalidDataException"/>); the caller logs it and
/// falls back to an older snapshot or the log start.
/// </summary>
internal static class ProducerSnapshotFile
{
    public const string Extension = ".snapshot";
    private const short Version = 1;
    private const int CrcStart = 6;
    private const int HeaderBytes = 18;
    private const int EntryBytes = 11;
    private const int BatchBytes = 24;

    public static string PathOf(string directory, long offset) => SegmentFiles.PathOf(directory, offset, Extension);

    /// <summary>Offsets of the snapshot files in <paramref name="directory"/>, ascending.</summary>
    public static List<long> List(string directory)
    {
        var offsets = new List<long>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            if (SegmentFiles.TryParseBaseOffset(Path.GetFileName(path), Extension, out var offset))
            {
                offsets.Add(offset);
            }
        }

        offsets.Sort();
        return offsets;
    }

    /// <summary>
    /// Writes the snapshot at <paramref name="offset"/> under a temporary name and renames it into place, so
    /// the final name never holds a partial file after a process crash. With <paramref name="durable"/> the
    /// file and the directory are fsynced first (clean close); otherwise the caller fsyncs the file later
    /// (<see cref="Sync"/>), and a power failure before that leaves a file whose CRC fails.
    /// </summary>
    public static void Write(string directory, long offset, Dictionary<long, ProducerStateEntry> producers, bool durable)
    {
        var size = HeaderBytes;
        foreach (var (_, entry) in producers)
        {
            size += EntryBytes + (entry.BatchCount * BatchBytes);
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, Version);
        BinaryPrimitives.WriteInt64BigEndian(span[CrcStart..], offset);
        BinaryPrimitives.WriteInt32BigEndian(span[14..], producers.Count);
        var position = HeaderBytes;
        foreach (var (producerId, entry) in producers)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[position..], producerId);
            BinaryPrimitives.WriteInt16BigEndian(span[(position + 8)..], entry.ProducerEpoch);
            span[position + 10] = (byte)entry.BatchCount;
            position += EntryBytes;
            for (var i = 0; i < entry.BatchCount; i++)
            {
                var batch = entry.BatchAt(i);
                BinaryPrimitives.WriteInt32BigEndian(span[position..], batch.LastSequence);
                BinaryPrimitives.WriteInt64BigEndian(span[(position + 4)..], batch.LastOffset);
                BinaryPrimitives.WriteInt32BigEndian(span[(position + 12)..], batch.OffsetDelta);
                BinaryPrimitives.WriteInt64BigEndian(span[(position + 16)..], batch.Timestamp);
                position += BatchBytes;
            }
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[2..], Crc32C.Compute(span[CrcStart..]));
        var path = PathOf(directory, offset);
        var temp = path + ".tmp";
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, bytes, 0);
            if (durable)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }

        File.Move(temp, path, overwrite: true);
        if (durable)
        {
            DirectoryFsync.Flush(directory);
        }
    }

    /// <summary>fsync of a snapshot written without it; false when the file is gone (deleted since).</summary>
    public static bool Sync(string directory, long offset)
    {
        try
        {
            using var handle = File.OpenHandle(PathOf(directory, offset), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(handle);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the snapshot at <paramref name="offset"/> into <paramref name="producers"/> (which the caller
    /// passes empty). Throws <see cref="InvalidDataException"/> when the file is damaged; the dictionary
    /// is then left empty.
    /// </summary>
    public static void Read(string directory, long offset, Dictionary<long, ProducerStateEntry> producers)
    {
        var path = PathOf(directory, offset);
        var bytes = File.ReadAllBytes(path);
        try
        {
            Parse(bytes, offset, producers);
        }
        catch (InvalidDataException e)
        {
            producers.Clear();
            throw new InvalidDataException($"producer snapshot {path}: {e.Message}", e);
        }
    }

    private static void Parse(ReadOnlySpan<byte> bytes, long offset, Dictionary<long, ProducerStateEntry> producers)
    {
        if (bytes.Length < HeaderBytes)
        {
            throw new InvalidDataException($"{bytes.Length} bytes cannot hold the {HeaderBytes}-byte header");
        }

        var version = BinaryPrimitives.ReadInt16BigEndian(bytes);
        if (version != Version)
        {
            throw new InvalidDataException($"unknown version {version}");
        }

        var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]);
        var computed = Crc32C.Compute(bytes[CrcStart..]);
        if (stored != computed)
        {
            throw new InvalidDataException($"CRC is 0x{stored:x8} but the bytes checksum to 0x{computed:x8}");
        }

        var fileOffset = BinaryPrimitives.ReadInt64BigEndian(bytes[CrcStart..]);
        if (fileOffset != offset)
        {
            throw new InvalidDataException($"holds the state at offset {fileOffset}, not {offset} as its name says");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes[14..]);
        if (count < 0 || (long)count * (EntryBytes + BatchBytes) > bytes.Length - HeaderBytes)
        {
            throw new InvalidDataException($"claims {count} producers in {bytes.Length - HeaderBytes} bytes");
        }

        var position = HeaderBytes;
        for (var p = 0; p < count; p++)
        {
            if (bytes.Length - position < EntryBytes)
            {
                throw new InvalidDataException($"producer {p} of {count} is cut off");
            }

            var producerId = BinaryPrimitives.ReadInt64BigEndian(bytes[position..]);
            var epoch = BinaryPrimitives.ReadInt16BigEndian(bytes[(position + 8)..]);
            int batches = bytes[position + 10];
            position += EntryBytes;
            if (producerId < 0 || batches is < 1 or > ProducerStateEntry.BatchesToRetain || bytes.Length - position < batches * BatchBytes)
            {
                throw new InvalidDataException($"producer {p} of {count} (id {producerId}) has {batches} batches in {bytes.Length - position} bytes");
            }

            var entry = new ProducerStateEntry(producerId);
            var previousOffset = -1L;
            for (var b = 0; b < batches; b++)
            {
                var batch = new ProducerBatchMetadata(
                    BinaryPrimitives.ReadInt32BigEndian(bytes[position..]),
                    BinaryPrimitives.ReadInt64BigEndian(bytes[(position + 4)..]),
                    BinaryPrimitives.ReadInt32BigEndian(bytes[(position + 12)..]),
                    BinaryPrimitives.ReadInt64BigEndian(bytes[(position + 16)..]));
                // Sequences are not checked: a leader's batch is recorded whatever sequence it carries.
                if (batch.OffsetDelta < 0 || batch.FirstOffset <= previousOffset || batch.LastOffset >= offset)
                {
                    throw new InvalidDataException($"producer {producerId} has an impossible batch at offsets {batch.FirstOffset}..{batch.LastOffset}");
                }

                entry.AddBatch(epoch, batch);
                previousOffset = batch.LastOffset;
                position += BatchBytes;
            }

            if (!producers.TryAdd(producerId, entry))
            {
                throw new InvalidDataException($"producer {producerId} appears twice");
            }
        }

        if (position != bytes.Length)
        {
            throw new InvalidDataException($"{bytes.Length - position} bytes follow the last producer");
        }
    }
}
