using System.Text;
using System.Text.Json;
using LogBroker.Protocol.Partitioning;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

[Collection(BrokerCollection.Name)]
public class ProduceModeTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Produce_with_a_count_lands_exactly_that_many_records()
    {
        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "produce-count", "--partitions", "3", "--producers", "2", "--count", "20000", "--acks", "leader");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(20_000, await fixture.RecordsInAsync("produce-count"));
        Assert.Contains("20,000 acked", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("errors       none", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uniform_keys_produce_exactly_that_many_distinct_keys_each_on_its_murmur2_partition()
    {
        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "produce-keys", "--partitions", "3", "--count", "3000", "--keys", "uniform:7");

        Assert.True(result.ExitCode == 0, result.ToString());
        var records = await fixture.ReadAllAsync("produce-keys");
        Assert.Equal(3000, records.Count);
        Assert.Equal(7, records.Select(r => r.KeyAsString()).Distinct().Count());
        Assert.All(records, r => Assert.Equal(DefaultPartitioner.PartitionForKey(Encoding.ASCII.GetBytes(r.KeyAsString()!), 3), r.Partition));
    }

    [Fact]
    public async Task Unkeyed_records_have_null_keys_and_values_of_the_record_size()
    {
        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "produce-unkeyed", "--partitions", "2", "--count", "2000", "--record-size", "64", "--compression", "lz4");

        Assert.True(result.ExitCode == 0, result.ToString());
        var records = await fixture.ReadAllAsync("produce-unkeyed");
        Assert.Equal(2000, records.Count);
        Assert.All(records, r => Assert.True(r.KeyIsNull));
        Assert.All(records, r => Assert.Equal(64, r.Value.Length));
        Assert.Equal(2, records.Select(r => r.Partition).Distinct().Count());
    }

    [Fact]
    public async Task Rate_limit_never_exceeds_rate_times_duration_and_reaches_most_of_it()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("rate.json");
        const int Rate = 2000;
        const int Seconds = 2;

        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "produce-rate", "--rate", "2000", "--duration", "2", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        var produced = await fixture.RecordsInAsync("produce-rate");
        using var report = JsonReport.Load(json);
        Assert.Equal(produced, report.RootElement.GetProperty("produce").GetProperty("acked").GetInt64());

        // Exact by construction: the pacer grants at most one record plus rate × time, and sending stops at the deadline.
        Assert.True(produced <= (Rate * Seconds) + 1, $"{produced} records in {Seconds} s at {Rate}/s");

        // Loose: stalls under a second are made up, so only a sender that started or stalled a second late falls below.
        Assert.True(produced >= Rate * Seconds / 2, $"{produced} records in {Seconds} s at {Rate}/s");
    }
}
