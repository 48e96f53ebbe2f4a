namespace LogBroker.Protocol.Compression;

/// <summary>Codec of a batch's records section, numbered as in the batch attributes (bits 0-2).</summary>
public enum CompressionType
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}
