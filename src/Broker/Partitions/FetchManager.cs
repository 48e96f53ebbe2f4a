using System.Diagnostics;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// Long-poll fetches (Kafka's fetch with its delayed-fetch purgatory): read what is there; if it is
/// less than min bytes and the wait is not over, sleep until any fetched partition gets an append
/// (or the wait ends) and read again. Nothing polls: waits are on each partition's append notifier.
/// </summary>
public sealed class FetchManager(ReplicaManager replicas)
{
    /// <summary>The <c>followerId</c> of a consumer's fetch: reads stop at the high watermark.</summary>
    public const int ConsumerFetch = -1;

    private int _waiting;

    /// <summary>Fetches parked waiting for data right now.</summary>
    public int WaitingFetches => Volatile.Read(ref _waiting);

    /// <summary>
    /// Reads the partitions in order: each gets up to its own max bytes and what is left of
    /// <paramref name="maxBytes"/>, except that the first partition with data always gets a whole batch.
    /// A consumer's fetch reads up to the high watermark; a follower's (<paramref name="followerId"/>
    /// its broker id) up to the log end, and tells the leader how far the follower has come.
    /// </summary>
    public async Task<FetchOutcome> FetchAsync(IReadOnlyList<FetchPartitionRequest> partitions, int minBytes, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken, int followerId = ConsumerFetch)
    {
        var started = Stopwatch.GetTimestamp();

        // One timer for the whole wait, however often appends wake it: a timer per wake-up would
        // leave up to max wait of live timers behind for every append to a busy partition.
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.CancelAfter(maxWait);
        Task? expired = null;
        var waits = new List<Task>(partitions.Count + 1);
        while (true)
        {
            waits.Clear();
            foreach (var request in partitions)
            {
                if (replicas.TryGetPartition(request.TopicPartition, out var partition))
                {
                    // Before reading: an append (a consumer waits for the high watermark, a follower for the log end) after the read still wakes us.
                    waits.Add(followerId == ConsumerFetch ? partition.Notifier.WaitAsync() : partition.LogEndNotifier.WaitAsync());
                }
            }

            var results = ReadOnce(partitions, maxBytes, followerId, out var bytes, out var anyError);
            var remaining = maxWait - Stopwatch.GetElapsedTime(started);
            if (bytes >= minBytes || anyError || remaining <= TimeSpan.Zero || waits.Count == 0 || expired?.IsCompleted == true)
            {
                return new FetchOutcome(results);
            }

            new FetchOutcome(results).Dispose();
            expired ??= Task.Delay(Timeout.Infinite, expiry.Token);
            waits.Add(expired);
            Interlocked.Increment(ref _waiting);
            try
            {
                await Task.WhenAny(waits);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private FetchPartitionResult[] ReadOnce(IReadOnlyList<FetchPartitionRequest> partitions, int maxBytes, int followerId, out long bytes, out bool anyError)
    {
        var results = new FetchPartitionResult[partitions.Count];
        bytes = 0;
        anyError = false;
        for (var i = 0; i < partitions.Count; i++)
        {
            var request = partitions[i];
            var lookup = replicas.Lookup(request.TopicPartition.Topic, request.TopicPartition.Partition);
            if (!lookup.Found)
            {
                results[i] = new FetchPartitionResult(request.TopicPartition, lookup.Error, lookup.Message, default);
                anyError = true;
                continue;
            }

            // Once the response is full, later partitions still report their offsets, with no data.
            var budget = bytes == 0 ? request.MaxBytes : (int)Math.Max(0, Math.Min(request.MaxBytes, maxBytes - bytes));
            var read = followerId == ConsumerFetch
                ? lookup.Partition!.Read(request.Offset, budget, request.CurrentLeaderEpoch)
                : lookup.Partition!.ReadForFollower(followerId, request.Offset, budget, request.CurrentLeaderEpoch ?? -1);
            results[i] = new FetchPartitionResult(request.TopicPartition, read.Error, read.ErrorMessage, read);
            anyError |= read.Error != ErrorCode.None;
            bytes += read.Records.Length;
        }

        return results;
    }
}
