namespace LogBroker.Protocol.Batches;

/// <summary>Byte positions of the RecordBatch v2 header fields (all big-endian). See docs/record-batch-v2.md.</summary>
public static class RecordBatchLayout
{
    public const int BaseOffset = 0;
    public const int BatchLength = 8;
    public const int PartitionLeaderEpoch = 12;
    public const int Magic = 16;
    public const int Crc = 17;
    public const int Attributes = 21;
    public const int LastOffsetDelta = 23;
    public const int BaseTimestamp = 27;
    public const int MaxTimestamp = 35;
    public const int ProducerId = 43;
    public const int ProducerEpoch = 51;
    public const int BaseSequence = 53;
    public const int RecordsCount = 57;

    /// <summary>Size of the fixed header; the records section starts here.</summary>
    public const int HeaderSize = 61;

    /// <summary>baseOffset and batchLength: the bytes not counted by batchLength.</summary>
    public const int LogOverhead = 12;

    /// <summary>The CRC covers everything from the attributes to the end of the batch.</summary>
    public const int CrcStart = Attributes;

    public const byte CurrentMagic = 2;

    /// <summary>Smallest legal batchLength: a header with an empty records section.</summary>
    public const int MinBatchLength = HeaderSize - LogOverhead;

    public const long NoProducerId = -1;
    public const short NoProducerEpoch = -1;
    public const int NoSequence = -1;
    public const int NoPartitionLeaderEpoch = -1;
    public const long NoTimestamp = -1;
}
