using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Wire;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using LogBroker.Storage.Mapping;
using Microsoft.Win32.SafeHandles;

namespace LogBroker.Storage.Segments;

/// <summary>CRC checks of bytes this process did not write: the first read checks them, and a damaged batch is marked, never served.</summary>
public sealed partial class Segment
{
    /// <summary>
    /// Checks CRCs from the verified mark up to <paramref name="end"/> (a batch boundary) and returns
    /// how far batches are good: <paramref name="end"/>, or the position of the first bad batch.
    /// Concurrent readers may check the same batches; the mark only moves forward.
    /// </summary>
    internal long EnsureVerified(long end)
    {
        var position = Volatile.Read(ref _verifiedUpTo);
        if (position >= end)
        {
            return end;
        }

        var size = Size;
        while (position < end)
        {
            if (!TryReadHeader(position, size, out var header))
            {
                MarkCorrupt(position);
                return position;
            }

            var batch = _logMap.Read(position, header.SizeInBytes);
            var stored = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(batch[RecordBatchLayout.Crc..]);
            if (Crc32C.Compute(batch[RecordBatchLayout.CrcStart..]) != stored)
            {
                MarkCorrupt(position);
                return position;
            }

            position += header.SizeInBytes;
        }

        var current = Volatile.Read(ref _verifiedUpTo);
        while (current < position)
        {
            var seen = Interlocked.CompareExchange(ref _verifiedUpTo, position, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        return end;
    }

    private void MarkCorrupt(long position)
    {
        var current = Volatile.Read(ref _corruptPosition);
        while (current < 0 || position < current)
        {
            var seen = Interlocked.CompareExchange(ref _corruptPosition, position, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
