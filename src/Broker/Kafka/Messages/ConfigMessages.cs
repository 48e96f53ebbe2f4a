using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>Kafka's config resource types this listener knows.</summary>
public static class ConfigResourceType
{
    public const sbyte Topic = 2;
    public const sbyte Broker = 4;
}

/// <summary>Kafka's config sources: where a value comes from.</summary>
public static class ConfigSource
{
    public const sbyte DynamicTopicConfig = 1;
    public const sbyte StaticBrokerConfig = 4;
    public const sbyte DefaultConfig = 5;
}

/// <summary>One config with its value, where it comes from and (v3+) its type; Kafka's type numbers: 2 string, 3 int, 5 long, 6 double, 7 list.</summary>
public sealed record DescribedConfig(string Name, string? Value, bool ReadOnly, sbyte Source, bool IsSensitive, sbyte ConfigType);

/// <summary>DescribeConfigs (key 32) request, v1+: per resource, the keys wanted (null: all).</summary>
public sealed record DescribeConfigsRequest(IReadOnlyList<(sbyte Type, string Name, IReadOnlyList<string>? Keys)> Resources, bool IncludeSynonyms, bool IncludeDocumentation)
{
    public static DescribeConfigsRequest Read(ref KafkaReader reader, short version)
    {
        var count = reader.ReadArrayCountNotNull();
        var resources = new List<(sbyte, string, IReadOnlyList<string>?)>(count);
        for (var i = 0; i < count; i++)
        {
            var type = reader.ReadInt8();
            var name = reader.ReadString();
            var keys = reader.ReadNullableStringArray();
            reader.SkipTaggedFields();
            resources.Add((type, name, keys));
        }

        var synonyms = version >= 1 && reader.ReadBool();
        var documentation = version >= 3 && reader.ReadBool();
        reader.SkipTaggedFields();
        return new DescribeConfigsRequest(resources, synonyms, documentation);
    }
}

public sealed record DescribedResource(ErrorCode Error, string? ErrorMessage, sbyte Type, string Name, IReadOnlyList<DescribedConfig> Configs);

public sealed class DescribeConfigsResponse(IReadOnlyList<DescribedResource> results) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteArrayCount(results.Count);
        foreach (var result in results)
        {
            writer.WriteInt16(result.Error);
            writer.WriteNullableString(result.ErrorMessage);
            writer.WriteInt8(result.Type);
            writer.WriteString(result.Name);
            writer.WriteArrayCount(result.Configs.Count);
            foreach (var config in result.Configs)
            {
                writer.WriteString(config.Name);
                writer.WriteNullableString(config.Value);
                writer.WriteBool(config.ReadOnly);
                if (version == 0)
                {
                    writer.WriteBool(config.Source == ConfigSource.DefaultConfig);
                }
                else
                {
                    writer.WriteInt8(config.Source);
                }

                writer.WriteBool(config.IsSensitive);
                if (version >= 1)
                {
                    writer.WriteArrayCount(0); // synonyms
                }

                if (version >= 3)
                {
                    writer.WriteInt8(config.ConfigType);
                    writer.WriteNullableString(null);
                }

                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}

/// <summary>IncrementalAlterConfigs operations, as Kafka numbers them.</summary>
public enum AlterConfigOperation : sbyte
{
    Set = 0,
    Delete = 1,
    Append = 2,
    Subtract = 3,
}

/// <summary>IncrementalAlterConfigs (key 44) request: per resource a list of set/delete/append/subtract operations.</summary>
public sealed record IncrementalAlterConfigsRequest(IReadOnlyList<(sbyte Type, string Name, IReadOnlyList<(string Name, AlterConfigOperation Operation, string? Value)> Configs)> Resources, bool ValidateOnly)
{
    public static IncrementalAlterConfigsRequest Read(ref KafkaReader reader, short version)
    {
        var count = reader.ReadArrayCountNotNull();
        var resources = new List<(sbyte, string, IReadOnlyList<(string, AlterConfigOperation, string?)>)>(count);
        for (var i = 0; i < count; i++)
        {
            var type = reader.ReadInt8();
            var name = reader.ReadString();
            var configCount = reader.ReadArrayCountNotNull();
            var configs = new List<(string, AlterConfigOperation, string?)>(configCount);
            for (var c = 0; c < configCount; c++)
            {
                var key = reader.ReadString();
                var operation = reader.ReadInt8();
                if (operation is < 0 or > 3)
                {
                    throw new KafkaProtocolException($"IncrementalAlterConfigs: operation {operation} for '{key}' is not one of 0 (set), 1 (delete), 2 (append), 3 (subtract)");
                }

                var value = reader.ReadNullableString();
                reader.SkipTaggedFields();
                configs.Add((key, (AlterConfigOperation)operation, value));
            }

            reader.SkipTaggedFields();
            resources.Add((type, name, configs));
        }

        var validateOnly = reader.ReadBool();
        reader.SkipTaggedFields();
        return new IncrementalAlterConfigsRequest(resources, validateOnly);
    }
}

public sealed class IncrementalAlterConfigsResponse(IReadOnlyList<(ErrorCode Error, string? Message, sbyte Type, string Name)> results) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteArrayCount(results.Count);
        foreach (var (error, message, type, name) in results)
        {
            writer.WriteInt16(error);
            writer.WriteNullableString(message);
            writer.WriteInt8(type);
            writer.WriteString(name);
            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
