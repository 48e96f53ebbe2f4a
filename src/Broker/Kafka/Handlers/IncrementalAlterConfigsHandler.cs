using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// IncrementalAlterConfigs on topics: set and delete overrides; append to and subtract from list
/// configs (cleanup.policy). Broker configs are set at startup and cannot be altered.
/// </summary>
public sealed class IncrementalAlterConfigsHandler(KafkaTopicAdmin admin) : KafkaApiHandler<IncrementalAlterConfigsRequest>
{
    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    public override short FirstFlexibleVersion => 1;

    protected override IncrementalAlterConfigsRequest Read(ref KafkaReader reader, short version) => IncrementalAlterConfigsRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, IncrementalAlterConfigsRequest request, CancellationToken cancellationToken)
    {
        var results = new List<(ErrorCode, string?, sbyte, string)>(request.Resources.Count);
        foreach (var (type, name, configs) in request.Resources)
        {
            var (error, message) = type switch
            {
                ConfigResourceType.Topic => await AlterTopicAsync(name, configs, request.ValidateOnly, cancellationToken),
                ConfigResourceType.Broker => (ErrorCode.InvalidRequest, "broker configs are set at startup (LogBroker:TopicDefaults) and cannot be altered at run time"),
                _ => (ErrorCode.InvalidRequest, $"resource type {type} has no configs here (topics are 2)"),
            };
            results.Add((error, message, type, name));
        }

        return new IncrementalAlterConfigsResponse(results);
    }

    private async Task<(ErrorCode, string?)> AlterTopicAsync(string topic, IReadOnlyList<(string Name, AlterConfigOperation Operation, string? Value)> changes, bool validateOnly, CancellationToken cancellationToken)
    {
        if (admin.TopicConfigs(topic) is not { } current)
        {
            return (ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' does not exist");
        }

        if (changes.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            return (ErrorCode.InvalidRequest, $"config '{repeated.Key}' is altered more than once in the request");
        }

        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        var remove = new List<string>();
        foreach (var (name, operation, value) in changes)
        {
            if (operation != AlterConfigOperation.Delete && value is null)
            {
                return (ErrorCode.InvalidConfig, $"config '{name}': {operation} needs a value");
            }

            if (operation is AlterConfigOperation.Append or AlterConfigOperation.Subtract && ConfigTypes.Of(name) != 7)
            {
                return (ErrorCode.InvalidConfig, $"config '{name}' is not a list: it can only be set or deleted");
            }

            switch (operation)
            {
                case AlterConfigOperation.Set:
                    set[name] = value!;
                    break;
                case AlterConfigOperation.Delete:
                    remove.Add(name);
                    break;
                default:
                    var items = (current.FirstOrDefault(c => c.Name == name)?.Value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    var operand = value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    items = operation == AlterConfigOperation.Append ? [.. items.Union(operand, StringComparer.Ordinal)] : [.. items.Except(operand, StringComparer.Ordinal)];
                    set[name] = string.Join(',', items);
                    break;
            }
        }

        return await admin.AlterConfigsAsync(topic, set, remove, validateOnly, cancellationToken);
    }
}
