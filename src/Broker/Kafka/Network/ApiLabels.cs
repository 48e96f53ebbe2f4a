using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>Metric labels of Kafka APIs ("Kafka.Produce"), made once rather than per request.</summary>
internal static class ApiLabels
{
    private static readonly Dictionary<ApiKey, string> Labels = Enum.GetValues<ApiKey>().ToDictionary(k => k, k => $"Kafka.{k}");

    public static string Of(ApiKey key) => Labels.TryGetValue(key, out var label) ? label : "Kafka.Unknown";
}
