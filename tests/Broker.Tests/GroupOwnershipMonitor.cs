using LogBroker.Protocol;

namespace LogBroker.Broker.Tests;

/// <summary>
/// Who owns which partition, as the consumers' own callbacks say: a partition assigned while
/// another member still owns it, or a record consumed by a member that does not own its
/// partition, is a violation.
/// </summary>
internal sealed class GroupOwnershipMonitor
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, string> _owner = [];
    private readonly Dictionary<string, int> _revocations = [];
    private readonly Dictionary<string, long> _consumed = [];

    public List<string> Violations { get; } = [];

    public long Checks { get; private set; }

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

    public void Consumed(string member, TopicPartition partition)
    {
        lock (_lock)
        {
            Checks++;
            ConsumedTotal++;
            _consumed[member] = _consumed.GetValueOrDefault(member) + 1;
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
