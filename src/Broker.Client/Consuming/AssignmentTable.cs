using LogBroker.Protocol;

namespace LogBroker.Client.Consuming;

/// <summary>
/// The consumer's assigned partitions and their positions, shared by the application's calls (assign,
/// seek, consume) and the fetchers. Every change bumps <see cref="Version"/> and wakes the fetchers. One
/// small lock guards it; it is never held across I/O, and never taken per record: the positions handed
/// to the application move without it (<see cref="ConsumedPositions"/>), once per record or batch.
/// </summary>
internal sealed class AssignmentTable : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, PartitionState> _states = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _changeSource = new();
    private int _version;

    public int Version => Volatile.Read(ref _version);

    /// <summary>Completes at the next change: fetchers wait on it instead of polling.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Cancelled at the next change: for work (a push stream) that must end when positions move.</summary>
    public CancellationToken ChangeToken
    {
        get
        {
            lock (_lock)
            {
                return _changeSource.Token;
            }
        }
    }

    public IReadOnlyList<TopicPartition> Partitions
    {
        get
        {
            lock (_lock)
            {
                return [.. _states.Keys];
            }
        }
    }

    /// <summary>Replaces the assignment; partitions kept keep their positions unless a new offset is given.</summary>
    public void Assign(IEnumerable<TopicPartitionOffset> partitions)
    {
        lock (_lock)
        {
            var wanted = partitions.ToDictionary(p => p.TopicPartition, p => p.Offset);
            foreach (var tp in _states.Keys.Where(tp => !wanted.ContainsKey(tp)).ToList())
            {
                _states[tp].Invalidate(); // stale data for it is dropped
                _states.Remove(tp);
            }

            foreach (var (tp, offset) in wanted)
            {
                if (!_states.TryGetValue(tp, out var state))
                {
                    _states[tp] = state = new PartitionState(tp);
                    Position(state, offset);
                }
                else if (offset != Offset.Stored)
                {
                    Position(state, offset);
                }
            }

            Bump();
        }
    }

    /// <summary>Adds partitions (group assignment), leaving the others alone.</summary>
    public void Add(IEnumerable<TopicPartitionOffset> partitions) =>
        Assign(Snapshot().Select(s => new TopicPartitionOffset(s.Partition, Offset.Stored)).Concat(partitions).DistinctBy(p => p.TopicPartition));

    public void Remove(IEnumerable<TopicPartition> partitions)
    {
        var gone = partitions.ToHashSet();
        if (gone.Count == 0)
        {
            return;
        }

        Assign(Snapshot().Where(s => !gone.Contains(s.Partition)).Select(s => new TopicPartitionOffset(s.Partition, Offset.Stored)));
    }

    public bool Seek(TopicPartition partition, long offset)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(partition, out var state))
            {
                return false;
            }

            Position(state, offset);
            Bump();
            return true;
        }
    }

    public bool TryGet(TopicPartition partition, out PartitionState state)
    {
        lock (_lock)
        {
            return _states.TryGetValue(partition, out state!);
        }
    }

    public IReadOnlyList<PartitionState> Snapshot()
    {
        lock (_lock)
        {
            return [.. _states.Values];
        }
    }

    /// <summary>Partitions ready to fetch, with their generation and fetch position.</summary>
    public List<FetchTarget> Fetchable()
    {
        lock (_lock)
        {
            var result = new List<FetchTarget>(_states.Count);
            foreach (var state in _states.Values)
            {
                if (state.IsFetchable)
                {
                    result.Add(new FetchTarget(state, state.Generation, state.FetchPosition));
                }
            }

            return result;
        }
    }

    /// <summary>
    /// The fetchable partitions <paramref name="include"/> accepts, for one fetch; <paramref name="observe"/>
    /// (a test hook) sees them under the lock, that is as of the ownership the fetch is built from.
    /// </summary>
    public List<FetchTarget> Fetchable(Func<PartitionState, bool> include, Action<IReadOnlyList<TopicPartition>>? observe)
    {
        lock (_lock)
        {
            var result = new List<FetchTarget>(_states.Count);
            foreach (var state in _states.Values)
            {
                if (state.IsFetchable && include(state))
                {
                    result.Add(new FetchTarget(state, state.Generation, state.FetchPosition));
                }
            }

            if (observe is not null && result.Count > 0)
            {
                observe([.. result.Select(t => t.State.Partition)]);
            }

            return result;
        }
    }

    /// <summary>Partitions waiting for a special offset to be resolved.</summary>
    public List<(PartitionState State, int Generation, long Special)> PendingResets()
    {
        lock (_lock)
        {
            return [.. _states.Values.Where(s => s.PendingReset is not null).Select(s => (s, s.Generation, s.PendingReset!.Value))];
        }
    }

    /// <summary>A fetcher got data for <paramref name="target"/>: the next fetch starts after it, unless the position moved meanwhile.</summary>
    public bool TryAdvanceFetch(FetchTarget target, long nextOffset, long highWatermark)
    {
        lock (_lock)
        {
            if (target.State.Generation != target.Generation || !_states.ContainsKey(target.State.Partition))
            {
                return false;
            }

            target.State.FetchPosition = nextOffset;
            target.State.HighWatermark = highWatermark;
            return true;
        }
    }

    /// <summary>Stops fetching a partition until the consumer deals with an error reported for it.</summary>
    public bool TryHoldFetch(FetchTarget target)
    {
        lock (_lock)
        {
            if (target.State.Generation != target.Generation)
            {
                return false;
            }

            target.State.FetchPosition = -1;
            return true;
        }
    }

    /// <summary>A reset resolved to <paramref name="offset"/>, unless the position moved meanwhile.</summary>
    public void CompleteReset(PartitionState state, int generation, long offset)
    {
        lock (_lock)
        {
            if (state.Generation == generation && _states.ContainsKey(state.Partition))
            {
                state.SeekTo(offset);
                Bump();
            }
        }
    }

    /// <summary>Whether <paramref name="state"/> is still the one assigned for its partition (not revoked, or revoked and assigned anew, since it was taken).</summary>
    public bool IsCurrent(PartitionState state)
    {
        lock (_lock)
        {
            return _states.TryGetValue(state.Partition, out var current) && ReferenceEquals(current, state);
        }
    }

    /// <summary>
    /// Offsets to commit for the assigned partitions (those in <paramref name="only"/>, when given): each
    /// one's position, or its processed position when <paramref name="processedOnly"/>; partitions still
    /// resolving where to start are left out.
    /// </summary>
    public List<(TopicPartition Partition, long Offset)> CommitPositions(bool processedOnly, IReadOnlyCollection<TopicPartition>? only = null)
    {
        lock (_lock)
        {
            var result = new List<(TopicPartition, long)>(_states.Count);
            foreach (var state in _states.Values)
            {
                var offset = processedOnly ? state.ProcessedPosition : state.Position;
                if (offset >= 0 && (only is null || only.Contains(state.Partition)))
                {
                    result.Add((state.Partition, offset));
                }
            }

            return result;
        }
    }

    public void ResetTo(PartitionState state, long special)
    {
        lock (_lock)
        {
            state.ResetTo(special);
            Bump();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _changeSource.Dispose();
        }
    }

    private static void Position(PartitionState state, long offset)
    {
        if (offset >= 0)
        {
            state.SeekTo(offset);
        }
        else
        {
            state.ResetTo(offset);
        }
    }

    private void Bump()
    {
        _version++;
        var changed = _changed;
        var source = _changeSource;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _changeSource = new CancellationTokenSource();
        changed.TrySetResult();

        // Callbacks run off this lock (CancelAsync); not disposed, as tokens handed out may still be linked to it.
        _ = source.CancelAsync();
    }
}
