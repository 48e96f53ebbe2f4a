using System.Text.RegularExpressions;
using LogBroker.Client;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

public class ObservabilityTests
{
    [Fact]
    public async Task Metrics_show_traffic_per_topic_requests_per_api_and_partition_offsets()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("metered", partitions: 2);
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 100; i++)
            {
                await producer.ProduceAsync(new LogBroker.Protocol.TopicPartition("metered", 1), null, new byte[50]);
            }
        }

        await using (var consumer = broker.Consumer())
        {
            consumer.Assign(new TopicPartitionOffset("metered", 1, Offset.Beginning));
            await ProduceConsumeTests.ReadAsync(consumer, 100);
        }

        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{broker.HttpAddress}/metrics");

        Assert.Equal(100, Value(text, "logbroker_topic_records_in_total", "topic=\"metered\""));
        Assert.Equal(Value(text, "logbroker_topic_bytes_in_total", "topic=\"metered\""), Value(text, "logbroker_topic_bytes_out_total", "topic=\"metered\"")); // every batch read back once
        Assert.True(Value(text, "logbroker_topic_bytes_in_total", "topic=\"metered\"") > 100 * 50);
        Assert.Equal(100, Value(text, "logbroker_topic_records_out_total", "topic=\"metered\""));
        Assert.Equal(100, Value(text, "logbroker_partition_log_end_offset", "topic=\"metered\",partition=\"1\""));
        Assert.Equal(100, Value(text, "logbroker_partition_high_watermark", "topic=\"metered\",partition=\"1\""));
        Assert.Equal(0, Value(text, "logbroker_partition_log_end_offset", "topic=\"metered\",partition=\"0\""));
        Assert.True(Value(text, "logbroker_partition_size_bytes", "topic=\"metered\",partition=\"1\"") > 0);
        Assert.Equal(1, Value(text, "logbroker_partition_segments", "topic=\"metered\",partition=\"1\""));
        Assert.True(Value(text, "logbroker_requests_total", "api=\"ProduceStream\",outcome=\"ok\"") >= 1);
        Assert.True(Value(text, "logbroker_requests_total", "api=\"FetchRecords\",outcome=\"ok\"") >= 1); // the consumer fetches records frames
        Assert.True(Value(text, "logbroker_request_duration_seconds_count", "api=\"CreateTopics\"") >= 1);
        Assert.True(Value(text, "logbroker_open_connections", "listener=\"grpc\"") >= 1, "the admin client's connection is open");
        Assert.True(Value(text, "logbroker_open_connections", "listener=\"http\"") >= 1, "this scrape's connection is open");
        // A request is charged until its call ends: once the closed consumer's last long poll is over, nothing is.
        await Testing.Eventually.True(async () => ValueWithoutLabels(await http.GetStringAsync($"{broker.HttpAddress}/metrics"), "logbroker_inflight_request_bytes") == 0, "in-flight request bytes to drop to zero");
    }

    [Fact]
    public async Task Deleted_partitions_leave_the_metrics()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("fleeting");
        using var http = new HttpClient();
        Assert.Contains("topic=\"fleeting\"", await http.GetStringAsync($"{broker.HttpAddress}/metrics"), StringComparison.Ordinal);

        await admin.DeleteTopicAsync("fleeting");

        Assert.DoesNotContain("logbroker_partition_log_end_offset{topic=\"fleeting\"", await http.GetStringAsync($"{broker.HttpAddress}/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_on_the_http_port()
    {
        await using var broker = await BrokerHost.StartAsync();
        using var http = new HttpClient();

        Assert.Equal("Healthy", await http.GetStringAsync($"{broker.HttpAddress}/health/live"));
        Assert.Equal("Healthy", await http.GetStringAsync($"{broker.HttpAddress}/health/ready"));
    }

    [Fact]
    public async Task Log_maintenance_logs_carry_the_topic_and_partition_in_scope()
    {
        await using var broker = await ChildBroker.StartAsync(
            "--Logging:Console:FormatterName", "json",
            "--Logging:Console:FormatterOptions:IncludeScopes", "true",
            "--Logging:LogLevel:LogBroker", "Information",
            "--LogBroker:RetentionCheckIntervalMs", "100");
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            await admin.CreateTopicAsync("scoped", partitions: 2, configs: new Dictionary<string, string> { ["retention.ms"] = "1", ["segment.bytes"] = "4096", ["max.message.bytes"] = "2048" });
        }

        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Address, Linger = TimeSpan.Zero }))
        {
            for (var i = 0; i < 50; i++)
            {
                await producer.ProduceAsync(new LogBroker.Protocol.TopicPartition("scoped", 1), null, new byte[500]);
            }
        }

        System.Text.Json.JsonElement line = default;
        await Testing.Eventually.True(() => (line = RetentionLine(broker.Output)).ValueKind != System.Text.Json.JsonValueKind.Undefined, "a retention log line");

        var scope = line.GetProperty("Scopes").EnumerateArray().Single(s => s.TryGetProperty("Topic", out _));
        Assert.Equal("scoped", scope.GetProperty("Topic").GetString());
        Assert.Equal(1, scope.GetProperty("Partition").GetInt32());
    }

    [Fact]
    public async Task Recovery_warnings_carry_the_topic_and_partition_in_scope()
    {
        await using var broker = await ChildBroker.StartAsync(
            "--Logging:Console:FormatterName", "json",
            "--Logging:Console:FormatterOptions:IncludeScopes", "true");
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            await admin.CreateTopicAsync("torn", partitions: 3);
        }

        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Address }))
        {
            await producer.ProduceAsync(new LogBroker.Protocol.TopicPartition("torn", 2), null, "kept"u8.ToArray());
        }

        broker.Kill();
        await using (var segment = File.Open(Path.Combine(broker.Data.Path, "torn-2", "00000000000000000000.log"), FileMode.Open, FileAccess.ReadWrite))
        {
            var header = new byte[12];
            segment.ReadExactly(header);
            segment.Seek(12 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8)), SeekOrigin.Begin);
            segment.Write([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1, 0, 1, 2, 3]); // a torn batch right after the kept one
        }

        await broker.StartAgainAsync();

        System.Text.Json.JsonElement line = default;
        await Testing.Eventually.True(() => (line = LineContaining(broker.Output, "Recovery of")).ValueKind != System.Text.Json.JsonValueKind.Undefined, "a recovery warning");
        var scope = line.GetProperty("Scopes").EnumerateArray().Single(s => s.TryGetProperty("Topic", out _));
        Assert.Equal("torn", scope.GetProperty("Topic").GetString());
        Assert.Equal(2, scope.GetProperty("Partition").GetInt32());
    }

    private static System.Text.Json.JsonElement RetentionLine(IEnumerable<string> output) => LineContaining(output, "Retention deleted");

    private static System.Text.Json.JsonElement LineContaining(IEnumerable<string> output, string text)
    {
        foreach (var line in output)
        {
            if (line.StartsWith('{') && line.Contains(text, StringComparison.Ordinal))
            {
                using var json = System.Text.Json.JsonDocument.Parse(line);
                return json.RootElement.Clone();
            }
        }

        return default;
    }

    private static double ValueWithoutLabels(string exposition, string metric)
    {
        var match = Regex.Match(exposition, $"^{Regex.Escape(metric)} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{metric} not found");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double Value(string exposition, string metric, string labels)
    {
        var match = Regex.Match(exposition, $"^{Regex.Escape(metric)}\\{{{Regex.Escape(labels)}\\}} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{metric}{{{labels}}} not found");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
