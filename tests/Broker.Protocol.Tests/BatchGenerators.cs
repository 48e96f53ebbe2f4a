using FsCheck;
using FsCheck.Fluent;
using LogBroker.Protocol.Compression;

namespace LogBroker.Protocol.Tests;

/// <summary>A record as a test specifies it; null key or value means a null field on the wire.</summary>
public sealed record RecordSpec(long Timestamp, byte[]? Key, byte[]? Value, (string Key, byte[]? Value)[] Headers);

public sealed record BatchSpec(CompressionType Compression, RecordSpec[] Records);

/// <summary>FsCheck generators for random batches: records with and without keys, values and headers, any codec.</summary>
public static class BatchGenerators
{
    public static Arbitrary<BatchSpec> Batches() => BatchSpecGen.ToArbitrary();

    private static Gen<byte[]?> NullableBytes(int max) =>
        Gen.Frequency(
            (1, Gen.Constant<byte[]?>(null)),
            (6, Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)).Select(b => (byte[]?)b)));

    private static readonly Gen<string> HeaderKey =
        Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Gen.Elements("abcdefxyz-_.é€1".ToCharArray()), n)).Select(chars => new string(chars));

    private static readonly Gen<(string, byte[]?)> Header =
        from key in HeaderKey
        from value in NullableBytes(20)
        select (key, value);

    private static readonly Gen<RecordSpec> Record =
        from delta in Gen.Choose(-5000, 5000)
        from key in NullableBytes(40)
        from value in NullableBytes(300)
        from headerCount in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 4)))
        from headers in Gen.ArrayOf(Header, headerCount)
        select new RecordSpec(1_700_000_000_000L + delta, key, value, headers);

    private static readonly Gen<BatchSpec> BatchSpecGen =
        from compression in Gen.Elements(CompressionType.None, CompressionType.Lz4)
        from count in Gen.Choose(1, 60)
        from records in Gen.ArrayOf(Record, count)
        select new BatchSpec(compression, records);
}
