using System.Buffers.Binary;
using LogBroker.Protocol.Wire;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The bytes of one quorum snapshot, on disk and as a leader sends it to a lagging follower:
/// a 24-byte header (magic "LBMS", format version u32, index i64, payload length u32, CRC32C of the
/// payload u32, all big-endian) and the state machine's payload. The header carries the index so a
/// snapshot read back says which entries it already holds, whoever wrote it.
/// </summary>
internal static class MetadataSnapshotFile
{
    public const int HeaderSize = 24;

    private const uint Magic = 0x4C424D53; // "LBMS"
    private const uint FormatVersion = 1;

    public static void WriteHeader(Span<byte> header, long index, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], index);
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], checked((uint)payload.Length));
        BinaryPrimitives.WriteUInt32BigEndian(header[20..], Crc32C.Compute(payload));
    }

    /// <summary>Checks the whole file and returns its index and payload; throws naming <paramref name="source"/> when it is not a sound snapshot.</summary>
    public static (long Index, ReadOnlyMemory<byte> Payload) Parse(ReadOnlyMemory<byte> file, string source)
    {
        var span = file.Span;
        if (span.Length < HeaderSize || BinaryPrimitives.ReadUInt32BigEndian(span) != Magic)
        {
            throw new InvalidDataException($"metadata snapshot {source} is not a LogBroker snapshot ({span.Length} bytes, bad header)");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"metadata snapshot {source} has format version {version}; this broker reads version {FormatVersion}");
        }

        var index = BinaryPrimitives.ReadInt64BigEndian(span[8..]);
        var length = BinaryPrimitives.ReadUInt32BigEndian(span[16..]);
        if (index < 0 || length != span.Length - HeaderSize)
        {
            throw new InvalidDataException(
                $"metadata snapshot {source} is torn or corrupt: index {index}, header says {length} payload bytes, file holds {span.Length - HeaderSize}");
        }

        var payload = file[HeaderSize..];
        var crc = BinaryPrimitives.ReadUInt32BigEndian(span[20..]);
        if (Crc32C.Compute(payload.Span) != crc)
        {
            throw new InvalidDataException($"metadata snapshot {source} at index {index} fails its checksum");
        }

        return (index, payload);
    }
}
