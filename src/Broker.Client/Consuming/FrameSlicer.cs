using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Consuming;

/// <summary>Walks a received records frame's header entries, handing out each partition's slice of the records section.</summary>
internal struct FrameSlicer(ReadOnlyMemory<byte> records)
{
    private int _at;

    /// <summary>The slice of <paramref name="entry"/>; false when the lengths the header declares run past the section (a malformed frame).</summary>
    public bool TryNext(PartitionRecordsHeader entry, out ReadOnlyMemory<byte> slice)
    {
        var length = entry.RecordsLength;
        if (length < 0 || length > records.Length - _at)
        {
            slice = default;
            return false;
        }

        slice = records.Slice(_at, length);
        _at += length;
        return true;
    }
}
