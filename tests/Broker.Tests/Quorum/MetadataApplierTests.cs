using System.Buffers;
using LogBroker.Broker.Cluster.Quorum;
using Xunit;

namespace LogBroker.Broker.Tests.Quorum;

/// <summary>The quorum's side of the state machine: each entry once, proposals settled by term, snapshots cut at one index.</summary>
public sealed class MetadataApplierTests
{
    private readonly ListStateMachine _machine = new();
    private readonly MetadataApplier _applier;

    public MetadataApplierTests() => _applier = new MetadataApplier(_machine);

    private static ReadOnlySequence<byte> Bytes(string value) => new(System.Text.Encoding.UTF8.GetBytes(value));

    [Fact]
    public void Entries_replayed_after_a_rebuild_are_passed_over()
    {
        Assert.True(_applier.Apply(1, 1, Bytes("a"), null));
        Assert.True(_applier.Apply(3, 1, Bytes("b"), null));

        Assert.False(_applier.Apply(1, 1, Bytes("a"), null));
        Assert.False(_applier.Apply(3, 1, Bytes("b"), null));
        Assert.Equal(["a", "b"], _machine.Values);
        Assert.Equal(3, _applier.AppliedIndex);
    }

    [Fact]
    public void An_entry_split_across_pages_reaches_the_state_machine_whole()
    {
        var first = new Segment("hello, "u8.ToArray());
        var last = first.Append("world"u8.ToArray());

        _applier.Apply(1, 1, new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), null);

        Assert.Equal(["hello, world"], _machine.Values);
    }

    [Fact]
    public async Task A_proposal_completes_only_with_an_entry_of_its_own_term()
    {
        var ours = new Proposal(term: 4);
        var overwritten = new Proposal(term: 4);
        var onInternalEntry = new Proposal(term: 4);

        _applier.Apply(7, 4, Bytes("ours"), ours);
        _applier.Apply(8, 5, Bytes("theirs"), overwritten);
        _applier.Skip(9, 5, onInternalEntry);

        Assert.Equal(7, await ours.Applied);
        Assert.Contains("replaced at index 8 by an entry of term 5", (await Assert.ThrowsAsync<NotQuorumLeaderException>(() => overwritten.Applied)).Message);
        await Assert.ThrowsAsync<NotQuorumLeaderException>(() => onInternalEntry.Applied);
        Assert.Equal(9, _applier.AppliedIndex);
        Assert.Equal(["ours", "theirs"], _machine.Values);
    }

    [Fact]
    public void A_snapshot_carries_its_index_and_restores_into_a_fresh_state_machine()
    {
        _applier.Apply(1, 1, Bytes("a"), null);
        _applier.Apply(2, 1, Bytes("b"), null);

        var file = _applier.CaptureSnapshot();
        var (index, payload) = MetadataSnapshotFile.Parse(file, "test");
        var fresh = new ListStateMachine();
        new MetadataApplier(fresh).Restore(index, payload.Span);

        Assert.Equal(2, index);
        Assert.Equal(2, _applier.SnapshotIndex);
        Assert.Equal(_machine.Entries, fresh.Entries);
    }

    [Fact]
    public void A_snapshot_older_than_the_applied_state_is_only_noted()
    {
        _applier.Apply(1, 1, Bytes("a"), null);
        var file = _applier.CaptureSnapshot();
        _applier.Apply(2, 1, Bytes("b"), null);

        var (index, payload) = MetadataSnapshotFile.Parse(file, "test");
        _applier.Restore(index, payload.Span);

        Assert.Equal(0, _machine.Restores);
        Assert.Equal(["a", "b"], _machine.Values);
        Assert.Equal(2, _applier.AppliedIndex);
    }

    [Theory]
    [InlineData(0, "bad header")]
    [InlineData(7, "format version")]
    [InlineData(18, "torn or corrupt")]
    [InlineData(30, "checksum")]
    public void A_damaged_snapshot_file_is_refused_with_a_reason(int damagedByte, string reason)
    {
        _applier.Apply(1, 1, Bytes("some state to snapshot"), null);
        var file = _applier.CaptureSnapshot();
        file[damagedByte] ^= 0x40;

        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => MetadataSnapshotFile.Parse(file, "snap-1")).Message);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
