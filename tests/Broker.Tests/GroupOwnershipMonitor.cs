using LogBroker.Protocol;

namespace LogBroker.Broker.Tests;

/// <summary>
/// Who owns which partition, as the consumers' own assignment callbacks say, checked against every
/// fetch and every record: a partition assigned while another member still owns it, a fetch covering
/// a partition another member owns, or a record consumed by a member that does not own its partition,
/// is a violation. Also keeps, per member and partition, the highest offset consumed.
/// </summary>
internal sealed class GroupOwnershipMonitor
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, string> _owner = [];
    private readonly Dictionary<string, int> _revocations = [];
    private readonly Dictionary<string, long> _consumed = [];
    private readonly Dictionary<(string Member, TopicPartition Partition), long> _lastOffset = [];

    public List<string> Violations { get; } = [];

    public long FetchChecks { get; private set; }

    public long ConsumedTotal { get; private set; }

    public void Assigned(string member, IReadOnlyList<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var p in partitions)
            {
                if (_owner.TryGetValue(p, out var holder) && holder != member)
                {
                    Violations.Add($"{p} assigned to {member} while {holder} owns it");
                }

                _owner[p] = member;
            }
        }
    }

    public void Revoked(string member, IReadOnlyList<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var p in partitions)
            {
                if (_owner.GetValueOrDefault(p) == member)
                {
                    _owner.Remove(p);
                }
            }

            _revocations[member] = _revocations.GetValueOrDefault(member) + 1;
        }
    }

    /// <summary>
    /// A fetch by <paramref name="member"/> covering <paramref name="partitions"/>. A member fetches a
    /// partition from just after it is handed the partition (before its callback says so) until just
    /// after its revocation callback: in between nobody else may own it.
    /// </summary>
    public void Fetched(string member, IReadOnlyList<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var p in partitions)
            {
                FetchChecks++;
                if (_owner.TryGetValue(p, out var holder) && holder != member)
                {
                    Violations.Add($"{member} fetched {p} while {holder} owns it");
                }
            }
        }
    }

    public void Consumed(string member, TopicPartition partition, long offset)
    {
        lock (_lock)
        {
            ConsumedTotal++;
            _consumed[member] = _consumed.GetValueOrDefault(member) + 1;
            _lastOffset[(member, partition)] = Math.Max(offset, _lastOffset.GetValueOrDefault((member, partition), -1));
            if (_owner.GetValueOrDefault(partition) != member)
            {
                Violations.Add($"{member} consumed from {partition}, owned by {_owner.GetValueOrDefault(partition) ?? "nobody"}");
            }
        }
    }

    public List<int> Loads()
    {
        lock (_lock)
        {
            return [.. _owner.GroupBy(kv => kv.Value).Select(g => g.Count())];
        }
    }

    public List<TopicPartition> OwnedBy(string member)
    {
        lock (_lock)
        {
            return [.. _owner.Where(kv => kv.Value == member).Select(kv => kv.Key)];
        }
    }

    /// <summary>Whether <paramref name="member"/> consumed, from one of <paramref name="partitions"/>, a record at or past <paramref name="from"/>'s offset for it.</summary>
    public bool ConsumedPast(string member, IEnumerable<TopicPartition> partitions, IReadOnlyDictionary<TopicPartition, long> from)
    {
        lock (_lock)
        {
            return partitions.Any(p => _lastOffset.GetValueOrDefault((member, p), -1) >= from[p]);
        }
    }

    public Dictionary<string, int> RevocationsPerMember()
    {
        lock (_lock)
        {
            return new Dictionary<string, int>(_revocations);
        }
    }

    public Dictionary<string, long> ConsumedPerMember()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_consumed);
        }
    }
}
