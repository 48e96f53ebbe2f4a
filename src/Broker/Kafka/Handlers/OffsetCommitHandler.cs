using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// OffsetCommit into the broker's one offsets store, so Kafka and gRPC consumers see the same
/// positions. A classic member is checked against its group's generation here and then commits as the
/// group; a consumer-protocol member (v9, member epoch) or a tool (generation -1, no member id) is
/// checked by the offset manager exactly as gRPC commits are.
/// </summary>
public sealed class OffsetCommitHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<OffsetCommitRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetCommit;

    public override short MinVersion => 2;

    public override short MaxVersion => 9;

    public override short FirstFlexibleVersion => 8;

    protected override OffsetCommitRequest Read(ref KafkaReader reader, short version) => OffsetCommitRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, OffsetCommitRequest request, CancellationToken cancellationToken)
    {
        var (error, _) = groups.CheckCoordinator(request.GroupId);
        var memberId = request.MemberId;
        var epoch = request.GenerationIdOrMemberEpoch;
        if (error == ErrorCode.None)
        {
            var (check, refusal) = classic.CheckCommit(request.GroupId, request.GenerationIdOrMemberEpoch, request.MemberId);
            error = refusal;
            if (check == ClassicCommitCheck.Accepted)
            {
                memberId = string.Empty; // the classic generation was checked: commit on the group's behalf
                epoch = -1;
            }
        }

        if (error != ErrorCode.None)
        {
            return AllFailed(request, error);
        }

        var entries = request.Topics.SelectMany(t => t.Partitions.Select(p => (t.Topic, p.Partition, p.Offset, p.Metadata ?? string.Empty))).ToList();
        var (commitError, _, results) = await groups.CommitAsync(request.GroupId, memberId, epoch, entries, cancellationToken);
        if (commitError != ErrorCode.None)
        {
            return AllFailed(request, commitError);
        }

        var outcome = results.ToLookup(r => (r.Topic, r.Partition), r => r.Error);
        return new OffsetCommitResponse([.. request.Topics.Select(t => (t.Topic, t.Partitions.Select(p => (p.Partition, outcome[(t.Topic, p.Partition)].FirstOrDefault())).ToList()))]);
    }

    private static OffsetCommitResponse AllFailed(OffsetCommitRequest request, ErrorCode error) =>
        new([.. request.Topics.Select(t => (t.Topic, t.Partitions.Select(p => (p.Partition, error)).ToList()))]);
}
