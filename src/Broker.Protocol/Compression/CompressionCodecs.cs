namespace LogBroker.Protocol.Compression;

/// <summary>
/// The codecs this build supports. Adding gzip, snappy or zstd means one more
/// <see cref="ICompressionCodec"/> and one more line here; nothing else changes.
/// </summary>
public static class CompressionCodecs
{
    public static bool TryGet(CompressionType type, out ICompressionCodec codec)
    {
        codec = type switch
        {
            CompressionType.Lz4 => Lz4FrameCodec.Instance,
            _ => null!,
        };
        return codec is not null;
    }

    public static bool IsSupported(CompressionType type) => type == CompressionType.None || TryGet(type, out _);

    public static ICompressionCodec Get(CompressionType type) =>
        TryGet(type, out var codec)
            ? codec
            : throw new NotSupportedException($"compression '{type}' is not supported by this build (supported: none, lz4)");
}
