using LogBroker.Client;
using LogBroker.Protocol.Compression;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// One producer of the workload: how it sends (acks, keys, compression) and whether the broker
/// deduplicates its retries (idempotence). Only an idempotent producer's duplicates fail a campaign;
/// every producer's duplicates are counted and reported.
/// </summary>
public sealed record ProducerSpec(string Name, Acks Acks, bool Keyed, CompressionType Compression, bool Idempotent)
{
    /// <summary>
    /// Whether the client can produce idempotently. The idempotent producer (producer ids and sequences)
    /// arrives with replication (issue 8); until then no producer is idempotent and retried batches can be
    /// stored twice. When it lands, set this and ProducerOptions' idempotence switch in <see cref="ProducerWorker"/>.
    /// </summary>
    public const bool ClientSupportsIdempotence = false;

    /// <summary>Distinct keys of a keyed producer (k0..k999): enough to spread over every partition.</summary>
    public const int KeyCount = 1000;

    /// <summary>
    /// The campaign's producers: acks=all keyed, acks=all unkeyed (LZ4, so compressed batches are
    /// validated and served too), and acks=leader keyed, the variant whose documented loss window is
    /// measured rather than hidden.
    /// </summary>
    public static IReadOnlyList<ProducerSpec> Standard { get; } =
    [
        new("all-keyed", Acks.All, Keyed: true, CompressionType.None, ClientSupportsIdempotence),
        new("all-unkeyed-lz4", Acks.All, Keyed: false, CompressionType.Lz4, ClientSupportsIdempotence),
        new("leader-keyed", Acks.Leader, Keyed: true, CompressionType.None, Idempotent: false),
    ];
}
