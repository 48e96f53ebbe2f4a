using LogBroker.Testing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

[Collection(BrokerCollection.Name)]
public class ConsumeModeTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Consume_from_the_beginning_reads_exactly_what_was_produced()
    {
        await ProduceAsync("consume-all", 12_000, partitions: 3);
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("consume.json");

        var result = await BrokerFixture.RunAsync("consume", "--bootstrap", fixture.Address, "--topic", "consume-all", "--consumers", "2", "--from", "beginning", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        var consume = report.RootElement.GetProperty("consume");
        Assert.Equal(12_000, consume.GetProperty("records").GetInt64());
        Assert.Equal(12_000 * 100, consume.GetProperty("bytes").GetInt64());
        Assert.Contains("12,000 read", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consume_from_an_offset_reads_the_rest_of_each_partition()
    {
        await ProduceAsync("consume-from", 5000, partitions: 1);
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("consume.json");

        var result = await BrokerFixture.RunAsync("consume", "--bootstrap", fixture.Address, "--topic", "consume-from", "--from", "3200", "--fetch-mode", "push", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        Assert.Equal(1800, report.RootElement.GetProperty("consume").GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task Consume_with_a_count_reads_exactly_that_many()
    {
        await ProduceAsync("consume-count", 6000, partitions: 2);
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("consume.json");

        var result = await BrokerFixture.RunAsync("consume", "--bootstrap", fixture.Address, "--topic", "consume-count", "--consumers", "2", "--count", "2500", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        Assert.Equal(2500, report.RootElement.GetProperty("consume").GetProperty("records").GetInt64());
    }

    [Theory]
    [InlineData("poll")]
    [InlineData("push")]
    public async Task Consume_in_batches_reads_exactly_what_was_produced_and_reports_its_cost_per_record(string fetchMode)
    {
        var topic = "consume-batches-" + fetchMode;
        await ProduceAsync(topic, 12_000, partitions: 4);
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("consume.json");

        var result = await BrokerFixture.RunAsync("consume", "--bootstrap", fixture.Address, "--topic", topic, "--consumers", "2", "--batch", "--fetch-mode", fetchMode, "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        var consume = report.RootElement.GetProperty("consume");
        Assert.Equal(12_000, consume.GetProperty("records").GetInt64());
        Assert.Equal(12_000 * 100, consume.GetProperty("bytes").GetInt64());
        Assert.True(report.RootElement.GetProperty("settings").GetProperty("batch").GetBoolean());
        Assert.True(consume.GetProperty("processCpuNanosPerRecord").GetDouble() > 0);
        Assert.True(consume.GetProperty("processBytesAllocatedPerRecord").GetDouble() >= 0);
        Assert.Contains("consumer(s), fetch poll, batches".Replace("poll", fetchMode, StringComparison.Ordinal), result.Stdout, StringComparison.Ordinal);
        Assert.Contains("per record read:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consume_in_batches_with_a_count_reads_exactly_that_many()
    {
        await ProduceAsync("consume-batches-count", 6000, partitions: 2);
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("consume.json");

        var result = await BrokerFixture.RunAsync("consume", "--bootstrap", fixture.Address, "--topic", "consume-batches-count", "--consumers", "2", "--batch", "--count", "2501", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        Assert.Equal(2501, report.RootElement.GetProperty("consume").GetProperty("records").GetInt64());
        Assert.Equal(2501 * 100, report.RootElement.GetProperty("consume").GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task More_consumers_than_partitions_are_cut_to_the_partition_count_with_a_note()
    {
        await ProduceAsync("consume-few-partitions", 3000, partitions: 2);
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("consume.json");

        var result = await BrokerFixture.RunAsync("consume", "--bootstrap", fixture.Address, "--topic", "consume-few-partitions", "--consumers", "5", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("topic 'consume-few-partitions' has 2 partition(s), so 2 consumer(s) run, not 5", result.Stderr, StringComparison.Ordinal);
        using var report = JsonReport.Load(json);
        Assert.Equal(2, report.RootElement.GetProperty("settings").GetProperty("consumers").GetInt32());
        Assert.Equal(3000, report.RootElement.GetProperty("consume").GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task Consume_of_a_missing_topic_fails_and_says_so()
    {
        var result = await BrokerFixture.RunAsync("consume", "--bootstrap", fixture.Address, "--topic", "no-such-topic");

        Assert.Equal(LoadgenApp.Failure, result.ExitCode);
        Assert.Contains("no-such-topic", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    private async Task ProduceAsync(string topic, int count, int partitions)
    {
        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", topic, "--partitions", partitions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
