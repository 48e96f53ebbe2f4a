using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>ListGroups (key 16) request: optional filters by state (v4+) and type (v5+).</summary>
public sealed record ListGroupsRequest(IReadOnlyList<string> StatesFilter, IReadOnlyList<string> TypesFilter)
{
    public static ListGroupsRequest Read(ref KafkaReader reader, short version)
    {
        var states = version >= 4 ? reader.ReadNullableStringArray() ?? [] : [];
        var types = version >= 5 ? reader.ReadNullableStringArray() ?? [] : [];
        reader.SkipTaggedFields();
        return new ListGroupsRequest(states, types);
    }
}

public sealed record ListedGroup(string GroupId, string ProtocolType, string State, string Type);

public sealed class ListGroupsResponse(ErrorCode error, IReadOnlyList<ListedGroup> groups) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 1)
        {
            writer.WriteInt32(0);
        }

        writer.WriteInt16(error);
        writer.WriteArrayCount(groups.Count);
        foreach (var group in groups)
        {
            writer.WriteString(group.GroupId);
            writer.WriteString(group.ProtocolType);
            if (version >= 4)
            {
                writer.WriteString(group.State);
            }

            if (version >= 5)
            {
                writer.WriteString(group.Type);
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}

/// <summary>DescribeGroups (key 15) request.</summary>
public sealed record DescribeGroupsRequest(IReadOnlyList<string> Groups, bool IncludeAuthorizedOperations)
{
    public static DescribeGroupsRequest Read(ref KafkaReader reader, short version)
    {
        var groups = reader.ReadNullableStringArray() ?? throw new KafkaProtocolException("DescribeGroups: the group list may not be null");
        var includeOperations = version >= 3 && reader.ReadBool();
        reader.SkipTaggedFields();
        return new DescribeGroupsRequest(groups, includeOperations);
    }
}

public sealed record DescribedMember(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, byte[] Metadata, byte[] Assignment);

public sealed record DescribedGroup(ErrorCode Error, string? ErrorMessage, string GroupId, string State, string ProtocolType, string ProtocolData, IReadOnlyList<DescribedMember> Members);

public sealed class DescribeGroupsResponse(IReadOnlyList<DescribedGroup> groups) : KafkaResponse
{
    /// <summary>Everything a client may do to a group without ACLs: READ (3), DELETE (6), DESCRIBE (8).</summary>
    private const int GroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 1)
        {
            writer.WriteInt32(0);
        }

        writer.WriteArrayCount(groups.Count);
        foreach (var group in groups)
        {
            writer.WriteInt16(group.Error);
            if (version >= 6)
            {
                writer.WriteNullableString(group.ErrorMessage);
            }

            writer.WriteString(group.GroupId);
            writer.WriteString(group.State);
            writer.WriteString(group.ProtocolType);
            writer.WriteString(group.ProtocolData);
            writer.WriteArrayCount(group.Members.Count);
            foreach (var member in group.Members)
            {
                writer.WriteString(member.MemberId);
                if (version >= 4)
                {
                    writer.WriteNullableString(member.GroupInstanceId);
                }

                writer.WriteString(member.ClientId);
                writer.WriteString(member.ClientHost);
                writer.WriteBytes(member.Metadata);
                writer.WriteBytes(member.Assignment);
                writer.WriteTaggedFields();
            }

            if (version >= 3)
            {
                writer.WriteInt32(GroupOperations);
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}

/// <summary>DeleteGroups (key 42) request.</summary>
public sealed record DeleteGroupsRequest(IReadOnlyList<string> Groups)
{
    public static DeleteGroupsRequest Read(ref KafkaReader reader, short version)
    {
        var groups = reader.ReadNullableStringArray() ?? throw new KafkaProtocolException("DeleteGroups: the group list may not be null");
        reader.SkipTaggedFields();
        return new DeleteGroupsRequest(groups);
    }
}

public sealed class DeleteGroupsResponse(IReadOnlyList<(string GroupId, ErrorCode Error)> results) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteArrayCount(results.Count);
        foreach (var (groupId, error) in results)
        {
            writer.WriteString(groupId);
            writer.WriteInt16(error);
            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
