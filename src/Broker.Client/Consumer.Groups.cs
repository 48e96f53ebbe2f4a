using System.Text.RegularExpressions;
using LogBroker.Client.Consuming;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Client;

/// <summary>The consumer-group half of <see cref="Consumer"/>: subscribing, committing, and applying rebalances.</summary>
public sealed partial class Consumer
{
    /// <summary>Raised (on the consuming thread, inside <see cref="ConsumeOneAsync"/>) after partitions are given to this consumer.</summary>
    public event EventHandler<PartitionsChangedEventArgs>? PartitionsAssigned;

    /// <summary>Raised before revoked partitions are handed back (their positions were just committed when auto-commit is on): commit here if you commit by hand.</summary>
    public event EventHandler<PartitionsChangedEventArgs>? PartitionsRevoked;

    /// <summary>Raised when the group fenced this consumer: the partitions are already someone else's; do not commit for them.</summary>
    public event EventHandler<PartitionsChangedEventArgs>? PartitionsLost;

    /// <summary>Joins <see cref="ConsumerOptions.GroupId"/> subscribed to these topics; the group decides which partitions this consumer reads.</summary>
    public void Subscribe(IEnumerable<string> topics) => StartMembership([.. topics], regex: null);

    /// <summary>Joins the group subscribed to every topic whose whole name matches <paramref name="topicPattern"/>, including topics created later.</summary>
    public void Subscribe(string topicPattern)
    {
        try
        {
            _ = new Regex(topicPattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{topicPattern}' is not a valid regular expression: {e.Message}", nameof(topicPattern), e);
        }

        StartMembership([], topicPattern);
    }

    /// <summary>The group member id (null outside a subscription).</summary>
    public string? MemberId => _membership?.IsActive == true ? _membership.Member.MemberId : null;

    /// <summary>Commits the position of every assigned partition (past every record handed out so far) and waits for the coordinator to confirm.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        RequireCommitter();
        return CommitAndReportAsync(() => Positions(processedOnly: false, only: null), automatic: false, cancellationToken);
    }

    /// <summary>
    /// Commits the given offsets (the next offset to consume, per partition) with optional metadata. In a
    /// subscription only partitions assigned to this consumer may be committed (their owner commits the
    /// others); one revoked before the commit is sent is left out of it.
    /// </summary>
    public Task CommitAsync(IEnumerable<TopicPartitionOffset> offsets, string? metadata = null, CancellationToken cancellationToken = default)
    {
        RequireCommitter();
        var subscribed = _membership is { IsActive: true };
        var bound = new List<(PartitionState? Owner, TopicPartition Partition, long Offset, string Metadata)>();
        foreach (var o in offsets)
        {
            PartitionState? owner = null;
            if (subscribed && !_assignment.TryGet(o.TopicPartition, out owner))
            {
                throw new InvalidOperationException($"{o.TopicPartition} is not assigned to this consumer; in group '{_options.GroupId}' its owner commits it");
            }

            bound.Add((owner, o.TopicPartition, o.Offset, metadata ?? string.Empty));
        }

        return CommitAndReportAsync(() => [.. bound.Where(b => b.Owner is null || _assignment.IsCurrent(b.Owner)).Select(b => (b.Partition, b.Offset, b.Metadata))], automatic: false, cancellationToken);
    }

    /// <summary>Commits the current positions without waiting; <paramref name="onCommitted"/> gets the outcome (null on success).</summary>
    public void Commit(Action<LogBrokerException?>? onCommitted = null)
    {
        var commit = CommitAsync();
        commit.ContinueWith(
            t => onCommitted?.Invoke(t.Exception?.InnerException as LogBrokerException ?? (t.IsFaulted ? new LogBrokerException(ErrorCode.UnknownServerError, t.Exception!.Message) : null)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The group's committed offsets for these partitions, with their metadata and commit times (absent where nothing is committed).</summary>
    public Task<IReadOnlyDictionary<TopicPartition, OffsetAndMetadata>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default) =>
        (_committer ?? throw new InvalidOperationException("committed offsets need ConsumerOptions.GroupId")).FetchAsync([.. partitions], cancellationToken);

    /// <summary>
    /// Stops everything at once without leaving the group or committing, as a crashed process would:
    /// its connections are torn down, so the coordinator only learns of it through the session timeout.
    /// For fault tests; the consumer is unusable afterwards.
    /// </summary>
    internal void Abandon()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _autoCommitStop.Cancel();
        _membership?.Abandon();
        _channels.Dispose();
    }

    private (string MemberId, int Epoch) CommitIdentity() =>
        _membership is { IsActive: true } membership ? membership.Member : (string.Empty, -1);

    private void StartMembership(IReadOnlyList<string> topics, string? regex)
    {
        var membership = _membership ?? throw new InvalidOperationException("Subscribe needs ConsumerOptions.GroupId");
        membership.Subscribe(topics, regex);
    }

    private async Task<IReadOnlyDictionary<TopicPartition, long>> CommittedOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken) =>
        _committer is null
            ? new Dictionary<TopicPartition, long>()
            : (await _committer.FetchAsync(partitions, cancellationToken)).ToDictionary(kv => kv.Key, kv => kv.Value.Offset);

    /// <summary>
    /// Applies a rebalance the coordinator asked for, on the consuming thread: commit and drop revoked
    /// partitions (prefetched records for them are discarded), take on new ones at their committed
    /// offsets, raise the events, then let the membership loop report it.
    /// </summary>
    private async ValueTask ApplyGroupChangeAsync(GroupChange change, CancellationToken cancellationToken)
    {
        if (change.Revoke.Count > 0)
        {
            if (!change.Lost)
            {
                if (_options.EnableAutoCommit)
                {
                    await CommitQuietlyAsync(change.Revoke, automatic: true, cancellationToken);
                }

                PartitionsRevoked?.Invoke(this, new PartitionsChangedEventArgs(change.Revoke));
            }

            _assignment.Remove(change.Revoke);
            if (change.Lost)
            {
                PartitionsLost?.Invoke(this, new PartitionsChangedEventArgs(change.Revoke));
            }
        }

        if (change.Assign.Count > 0)
        {
            _assignment.Add(change.Assign.Select(p => new TopicPartitionOffset(p, Offset.Stored)));
            PartitionsAssigned?.Invoke(this, new PartitionsChangedEventArgs(change.Assign));
        }

        change.MarkApplied();
    }

    /// <summary>Commits the processed positions (of <paramref name="only"/>, when given), logging a failure instead of throwing it.</summary>
    private async Task CommitQuietlyAsync(IReadOnlyCollection<TopicPartition>? only, bool automatic, CancellationToken cancellationToken)
    {
        if (_committer is null)
        {
            return;
        }

        try
        {
            await CommitAndReportAsync(() => Positions(processedOnly: true, only), automatic, cancellationToken);
        }
        catch (LogBrokerException e)
        {
            _logger.LogWarning("Committing offsets for group {Group} failed: {Error}", _options.GroupId, e.Message);
        }
    }

    /// <summary>The assigned partitions' positions, as the committer reads them when it sends.</summary>
    private List<(TopicPartition Partition, long Offset, string Metadata)> Positions(bool processedOnly, IReadOnlyCollection<TopicPartition>? only) =>
        [.. _assignment.CommitPositions(processedOnly, only).Select(p => (p.Partition, p.Offset, string.Empty))];

    private async Task CommitAndReportAsync(Func<IReadOnlyList<(TopicPartition Partition, long Offset, string Metadata)>> offsets, bool automatic, CancellationToken cancellationToken)
    {
        try
        {
            var sent = await RequireCommitter().CommitAsync(offsets, CommitIdentity, cancellationToken);
            _options.CommitObserver?.Invoke(new CommitReport([.. sent.Select(o => new TopicPartitionOffset(o.Partition, o.Offset))], automatic, null));
        }
        catch (LogBrokerException e) when (_options.CommitObserver is { } observer)
        {
            observer(new CommitReport([], automatic, e));
            throw;
        }
    }

    private OffsetCommitter RequireCommitter() => _committer ?? throw new InvalidOperationException("committing needs ConsumerOptions.GroupId");

    private async Task AutoCommitAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.AutoCommitInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (_membership?.Pending is null)
                {
                    await CommitQuietlyAsync(null, automatic: true, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
