using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using LogBroker.Faultlab.Workload;
using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// The reader that replays every partition from the beginning once the faults have healed and
/// producing is over: raw fetches from each partition's leader up to the end offset it had then,
/// every batch checked as served (<see cref="PartitionStream"/>) and fingerprinted. A partition that
/// makes no progress for <see cref="StallTimeout"/> is left incomplete, with the reason.
/// </summary>
public static class LogReplay
{
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<ReplayedPartition>> ReadAsync(LeaderRouter router, string topic, IReadOnlyList<long> endOffsets, ViolationLog violations, ErrorTally errors, CancellationToken cancellationToken)
    {
        var replayed = new List<ReplayedPartition>();
        for (var partition = 0; partition < endOffsets.Count; partition++)
        {
            replayed.Add(await ReadPartitionAsync(router, topic, partition, endOffsets[partition], violations, errors, cancellationToken));
        }

        return replayed;
    }

    private static async Task<ReplayedPartition> ReadPartitionAsync(LeaderRouter router, string topic, int partition, long end, ViolationLog violations, ErrorTally errors, CancellationToken cancellationToken)
    {
        var result = new ReplayedPartition(partition, end);
        using var stream = new PartitionStream("replay", partition, violations);
        var stalled = Stopwatch.StartNew();
        string? lastError = null;
        while (stream.NextOffset < end)
        {
            if (stalled.Elapsed > StallTimeout)
            {
                result.Incomplete = string.Create(CultureInfo.InvariantCulture, $"no progress past offset {stream.NextOffset} of {end} for {StallTimeout.TotalSeconds:F0} s (last error: {lastError ?? "none"})");
                break;
            }

            var leaders = await router.LeadersAsync(errors, cancellationToken);
            if (!leaders.TryGetValue(partition, out var leader))
            {
                lastError = "no leader";
                router.Invalidate();
                await Task.Delay(200, cancellationToken);
                continue;
            }

            try
            {
                var before = stream.NextOffset;
                foreach (var fetched in await RawFetch.FromAsync(router, leader, topic, [(partition, stream.NextOffset)], TimeSpan.Zero, cancellationToken))
                {
                    if (fetched.ErrorCode != 0)
                    {
                        lastError = ((ErrorCode)fetched.ErrorCode).ToString();
                        errors.Count("replay fetch", (ErrorCode)fetched.ErrorCode);
                        router.Invalidate();
                        continue;
                    }

                    stream.Feed(fetched.Records.Memory, (offset, id) => Put(result, offset, id), batch => Fingerprint(result, batch, end));
                }

                if (stream.NextOffset > before)
                {
                    stalled.Restart();
                }
                else
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = e.StatusCode.ToString();
                errors.Count("replay fetch", e.StatusCode.ToString());
                router.Invalidate();
                await Task.Delay(200, cancellationToken);
            }
        }

        return result;
    }

    private static void Put(ReplayedPartition result, long offset, RecordId id)
    {
        if (offset >= result.EndOffset)
        {
            return;
        }

        while (result.Records.Count <= offset)
        {
            result.Records.Add(null);
        }

        result.Records[(int)offset] = id;
    }

    private static void Fingerprint(ReplayedPartition result, ReadOnlyMemory<byte> batch, long end)
    {
        var fingerprint = BatchFingerprint.Of(batch.Span);
        if (fingerprint.BaseOffset < end)
        {
            result.Batches.Add(fingerprint);
        }
    }
}
