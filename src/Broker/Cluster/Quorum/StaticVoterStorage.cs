using System.Net;
using DotNext.Buffers;
using DotNext.Net;
using DotNext.Net.Cluster.Consensus.Raft.Membership;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The engine's membership, fixed to the configured voter list before the member starts. DotNext
/// otherwise starts a cold node with a membership of itself alone, which after a restart can elect
/// itself and split the brain; seeded with every voter on every member, a leader always needs a
/// majority of the full list. Nothing here ever proposes a membership change, so the set stays as built.
/// </summary>
internal sealed class StaticVoterStorage : InMemoryClusterConfigurationStorage<EndPoint>
{
    public StaticVoterStorage(IEnumerable<EndPoint> voters)
    {
        // DotNext 6.12: an in-memory storage starts empty; the builder's Build() installs its set as
        // the configuration that RaftCluster.StartAsync loads (and only an empty one gets "self" added).
        var builder = CreateInitialConfigurationBuilder();
        foreach (var voter in voters)
        {
            builder.Add(voter);
        }

        builder.Build();
    }

    protected override void Encode(EndPoint address, ref BufferWriterSlim<byte> writer) => writer.WriteEndPoint(address);

    protected override EndPoint Decode(ref SequenceReader reader) => reader.ReadEndPoint();
}
