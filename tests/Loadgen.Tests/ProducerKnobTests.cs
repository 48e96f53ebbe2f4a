using LogBroker.Testing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

/// <summary>The producer knobs reach the client and the report: each run echoes them in its JSON settings and lands exactly its count.</summary>
[Collection(BrokerCollection.Name)]
public class ProducerKnobTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Batch_size_linger_and_acks_all_are_used_and_echoed()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("knobs.json");

        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "knobs-all", "--partitions", "2", "--count", "5000", "--batch-size", "4096", "--linger-ms", "7.5", "--acks", "all", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        var settings = report.RootElement.GetProperty("settings");
        Assert.Equal(4096, settings.GetProperty("batchSize").GetInt32());
        Assert.Equal(7.5, settings.GetProperty("lingerMs").GetDouble());
        Assert.Equal("all", settings.GetProperty("acks").GetString());
        Assert.Contains("acks all, compression none, batch 4096 B, linger 7.5 ms", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(5000, report.RootElement.GetProperty("produce").GetProperty("acked").GetInt64());
        Assert.Equal(5000, await fixture.RecordsInAsync("knobs-all"));
        var batches = fixture.BatchesOnDisk("knobs-all");
        Assert.Equal(5000, batches.Sum(b => b.Records));
        Assert.All(batches, b => Assert.True(b.SizeInBytes <= 4096, $"a batch of {b.SizeInBytes} bytes with --batch-size 4096"));
    }

    [Fact]
    public async Task Acks_none_reports_every_record_written_and_the_broker_stores_exactly_the_count()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("acks-none.json");

        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "knobs-none", "--count", "5000", "--acks", "none", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        Assert.Equal("none", report.RootElement.GetProperty("settings").GetProperty("acks").GetString());
        Assert.Equal(5000, report.RootElement.GetProperty("produce").GetProperty("acked").GetInt64());
        Assert.Equal(0, report.RootElement.GetProperty("produce").GetProperty("failed").GetInt64());

        // With acks=none the client reports a record once it is on the wire, not once it is stored.
        await Eventually.True(async () => await fixture.RecordsInAsync("knobs-none") == 5000, "the broker to store all 5000 records");
    }
}
