using LogBroker.Protocol.Wire;

namespace LogBroker.Protocol.Batches;

/// <summary>Why a record could not be read.</summary>
internal enum RecordReadStatus
{
    Ok,
    Truncated,
    BadLength,
    BadVarint,
    BadKeyLength,
    BadValueLength,
    BadHeaders,
    LengthMismatch,
}

/// <summary>Positions of one record's parts, relative to the start of the record's length prefix.</summary>
internal readonly record struct ParsedRecord(
    long TimestampDelta,
    int OffsetDelta,
    int KeyStart,
    int KeyLength,
    int ValueStart,
    int ValueLength,
    int HeadersStart,
    int HeadersLength,
    int HeaderCount)
{
    public Record ToRecord(ReadOnlySpan<byte> source, long baseOffset, long baseTimestamp, long logAppendTime) => new(
        baseOffset + OffsetDelta,
        logAppendTime != RecordBatchLayout.NoTimestamp ? logAppendTime : baseTimestamp + TimestampDelta,
        KeyLength < 0 ? default : source.Slice(KeyStart, KeyLength),
        KeyLength < 0,
        ValueLength < 0 ? default : source.Slice(ValueStart, ValueLength),
        ValueLength < 0,
        source.Slice(HeadersStart, HeadersLength),
        HeaderCount,
        source[..(HeadersStart + HeadersLength)]);
}

/// <summary>Parses one record in place, checking every length against the bytes available.</summary>
internal static class RecordReader
{
    public static RecordReadStatus TryRead(ReadOnlySpan<byte> source, out ParsedRecord record, out int consumed)
    {
        record = default;
        consumed = 0;
        if (!Varint.TryReadInt32(source, out var length, out var pos))
        {
            return source.Length < Varint.MaxInt32Bytes ? RecordReadStatus.Truncated : RecordReadStatus.BadVarint;
        }

        if (length < 1)
        {
            return RecordReadStatus.BadLength;
        }

        if (length > source.Length - pos)
        {
            return RecordReadStatus.Truncated;
        }

        var end = pos + length;
        var body = source[..end];
        pos++; // attributes: unused in v2

        if (!Varint.TryReadInt64(body[pos..], out var timestampDelta, out var n)) return RecordReadStatus.BadVarint;
        pos += n;
        if (!Varint.TryReadInt32(body[pos..], out var offsetDelta, out n)) return RecordReadStatus.BadVarint;
        pos += n;

        if (!TryReadBytes(body, ref pos, out var keyStart, out var keyLength)) return RecordReadStatus.BadKeyLength;
        if (!TryReadBytes(body, ref pos, out var valueStart, out var valueLength)) return RecordReadStatus.BadValueLength;

        if (!Varint.TryReadInt32(body[pos..], out var headerCount, out n) || headerCount < 0) return RecordReadStatus.BadHeaders;
        pos += n;
        var headersStart = pos;
        for (var i = 0; i < headerCount; i++)
        {
            if (!TryReadBytes(body, ref pos, out _, out var headerKeyLength) || headerKeyLength < 0) return RecordReadStatus.BadHeaders;
            if (!TryReadBytes(body, ref pos, out _, out _)) return RecordReadStatus.BadHeaders;
        }

        if (pos != end)
        {
            return RecordReadStatus.LengthMismatch;
        }

        record = new ParsedRecord(timestampDelta, offsetDelta, keyStart, keyLength, valueStart, valueLength, headersStart, pos - headersStart, headerCount);
        consumed = end;
        return RecordReadStatus.Ok;
    }

    /// <summary>Reads a varint length (-1 = null) and skips that many bytes.</summary>
    internal static bool TryReadBytes(ReadOnlySpan<byte> body, ref int pos, out int start, out int length)
    {
        start = 0;
        if (!Varint.TryReadInt32(body[pos..], out length, out var n) || length < -1)
        {
            return false;
        }

        pos += n;
        start = pos;
        if (length > 0)
        {
            if (length > body.Length - pos)
            {
                return false;
            }

            pos += length;
        }

        return true;
    }
}
