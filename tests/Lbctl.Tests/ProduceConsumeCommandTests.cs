using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Partitioning;
using Xunit;

namespace LogBroker.Lbctl.Tests;

public class ProduceConsumeCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Keyed_lines_with_headers_from_stdin_come_back_from_the_beginning_as_json_on_the_partition_of_their_key()
    {
        await fixture.RunAsync("topic", "create", "payments", "--partitions", "3");

        var produced = await fixture.RunWithInputAsync("alice:paid 10\nbob:paid 20\nalice:refund 5\n", "produce", "payments", "--key-separator", ":", "--header", "source=lbctl", "--header", "trace=t-1");
        var consumed = await fixture.RunAsync("consume", "payments", "--from", "beginning", "--format", "json");

        Assert.Equal(0, produced.ExitCode);
        Assert.Contains("Produced 3 record(s) to 'payments'.", produced.Stdout);
        Assert.Equal(0, consumed.ExitCode);
        var records = consumed.JsonLines();
        Assert.Equal(3, records.Count);
        Assert.All(records, r =>
        {
            var key = r.GetProperty("key").GetString()!;
            Assert.Equal("payments", r.GetProperty("topic").GetString());
            Assert.Equal(DefaultPartitioner.PartitionForKey(Encoding.UTF8.GetBytes(key), 3), r.GetProperty("partition").GetInt32());
            Assert.Equal(["source=lbctl", "trace=t-1"], r.GetProperty("headers").EnumerateArray().Select(h => $"{h.GetProperty("key").GetString()}={h.GetProperty("value").GetString()}"));
            Assert.True(r.GetProperty("timestamp").GetInt64() > 0);
        });
        var alice = records.Where(r => r.GetProperty("key").GetString() == "alice").ToList();
        Assert.Equal(["paid 10", "refund 5"], alice.Select(r => r.GetProperty("value").GetString()));
        Assert.True(alice[0].GetProperty("offset").GetInt64() < alice[1].GetProperty("offset").GetInt64());
        Assert.All(records.GroupBy(r => r.GetProperty("partition").GetInt32()), p => Assert.Equal(Enumerable.Range(0, p.Count()).Select(i => (long)i), p.Select(r => r.GetProperty("offset").GetInt64())));
    }

    [Fact]
    public async Task Json_records_keep_quotes_and_non_ascii_text_readable()
    {
        await fixture.RunAsync("topic", "create", "unicode");
        await fixture.RunWithInputAsync("clé:{\"name\":\"Zoë\"}\n", "produce", "unicode", "--key-separator", ":");

        var consumed = await fixture.RunAsync("consume", "unicode", "--format", "json");

        Assert.Contains("\"key\":\"clé\",\"value\":\"{\\\"name\\\":\\\"Zoë\\\"}\"", consumed.Stdout);
        Assert.Equal("{\"name\":\"Zoë\"}", consumed.JsonLines()[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Produce_in_json_reports_where_each_line_landed()
    {
        await fixture.RunAsync("topic", "create", "landing", "--partitions", "2");

        var produced = await fixture.RunWithInputAsync("one\ntwo\nthree\n", "produce", "landing", "--partition", "1", "--acks", "all", "--compression", "lz4", "-o", "json");

        Assert.Equal(0, produced.ExitCode);
        var json = produced.Json();
        Assert.Equal(3, json.GetProperty("produced").GetInt32());
        Assert.Equal(0, json.GetProperty("failed").GetInt32());
        var lines = json.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], lines.Select(l => l.GetProperty("line").GetInt32()));
        Assert.All(lines, l => Assert.Equal(1, l.GetProperty("partition").GetInt32()));
        Assert.Equal([0L, 1L, 2L], lines.Select(l => l.GetProperty("offset").GetInt64()));
        Assert.Equal(["one", "two", "three"], (await fixture.RunAsync("consume", "landing", "--partition", "1")).Lines());
    }

    [Fact]
    public async Task Produce_with_acks_none_says_the_records_are_unconfirmed_and_the_broker_stores_them()
    {
        await fixture.RunAsync("topic", "create", "fire-and-forget");

        var produced = await fixture.RunWithInputAsync("one\ntwo\nthree\n", "produce", "fire-and-forget", "--acks", "none");

        Assert.Equal(0, produced.ExitCode);
        Assert.Equal(["Produced 3 record(s) to 'fire-and-forget' (acks=none: not confirmed by the broker)."], produced.Lines());

        // acks=none returns before the broker has appended: wait for the records rather than assume them.
        await LogBroker.Testing.Eventually.True(async () => (await fixture.RunAsync("consume", "fire-and-forget")).Lines().Length == 3, "the broker to store the three records");
        Assert.Equal(["one", "two", "three"], (await fixture.RunAsync("consume", "fire-and-forget")).Lines());
    }

    [Fact]
    public async Task Produce_with_lz4_writes_lz4_batches_to_disk_as_dump_log_shows()
    {
        await fixture.RunAsync("topic", "create", "squeezed");

        var produced = await fixture.RunWithInputAsync("alpha\nbeta\ngamma\n", "produce", "squeezed", "--compression", "lz4");
        var dump = await Lbctl.RunAsync("dump-log", Path.Combine(fixture.Broker.Data.Path, "squeezed-0", "00000000000000000000.log"), "--records", "-o", "json");

        Assert.Equal(0, produced.ExitCode);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        var batches = dump.Json().GetProperty("batches").EnumerateArray().ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.Equal("lz4", b.GetProperty("compression").GetString()));
        Assert.Equal(["alpha", "beta", "gamma"], batches.SelectMany(b => b.GetProperty("records").EnumerateArray()).Select(r => r.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task Produce_reads_a_file_and_verbose_prints_each_line()
    {
        await fixture.RunAsync("topic", "create", "from-file");
        var path = Path.Combine(fixture.Broker.Data.Path, "input.txt");
        await File.WriteAllTextAsync(path, "k=v\nk2=v2\n");

        var produced = await fixture.RunAsync("produce", "from-file", "--file", path, "--key-separator", "=", "--verbose");

        Assert.Equal(0, produced.ExitCode);
        Assert.Equal(["line 1: partition 0 offset 0", "line 2: partition 0 offset 1", "Produced 2 record(s) to 'from-file'."], produced.Lines());
        Assert.Equal(["k\tv", "k2\tv2"], (await fixture.RunAsync("consume", "from-file", "--print-key")).Lines());
    }

    [Fact]
    public async Task A_line_without_the_key_separator_fails_the_produce_and_names_the_line()
    {
        await fixture.RunAsync("topic", "create", "strict-keys");

        var produced = await fixture.RunWithInputAsync("a:1\nno separator here\nc:3\n", "produce", "strict-keys", "--key-separator", ":");

        Assert.Equal(1, produced.ExitCode);
        Assert.Contains("Produced 1 record(s)", produced.Stdout);
        Assert.Contains("line 2: no key separator ':'", produced.Stderr);
    }

    [Fact]
    public async Task Consume_from_an_offset_with_a_count_returns_exactly_those_records()
    {
        await fixture.RunAsync("topic", "create", "numbers");
        await fixture.RunWithInputAsync(string.Concat(Enumerable.Range(0, 10).Select(i => $"n{i}\n")), "produce", "numbers");

        var consumed = await fixture.RunAsync("consume", "numbers", "--from", "4", "--count", "3", "--format", "json");

        Assert.Equal(0, consumed.ExitCode);
        Assert.Equal([4L, 5L, 6L], consumed.JsonLines().Select(r => r.GetProperty("offset").GetInt64()));
        Assert.Equal(["n4", "n5", "n6"], consumed.JsonLines().Select(r => r.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task Consume_from_a_time_starts_at_the_first_record_at_or_after_it()
    {
        await fixture.RunAsync("topic", "create", "timeline", "--partitions", "2");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var producer = fixture.Broker.Producer())
        {
            for (var i = 0; i < 6; i++)
            {
                await producer.ProduceAsync(new TopicPartition("timeline", i % 2), null, Encoding.UTF8.GetBytes($"t{i}"), timestamp: start.AddMinutes(i).ToUnixTimeMilliseconds());
            }
        }

        var consumed = await fixture.RunAsync("consume", "timeline", "--from", "2026-01-01T00:02:30Z", "--output", "json");
        var none = await fixture.RunAsync("consume", "timeline", "--from", "2030-01-01T00:00:00Z");

        Assert.Equal(0, consumed.ExitCode);
        Assert.Equal(["t3", "t4", "t5"], consumed.JsonLines().Select(r => r.GetProperty("value").GetString()).Order());
        Assert.All(consumed.JsonLines(), r => Assert.True(r.GetProperty("timestamp").GetInt64() >= start.AddMinutes(2.5).ToUnixTimeMilliseconds()));
        Assert.Equal(0, none.ExitCode);
        Assert.Empty(none.Stdout);
    }

    [Fact]
    public async Task Consume_without_follow_stops_at_the_end_even_for_empty_partitions_and_with_push_fetching()
    {
        await fixture.RunAsync("topic", "create", "sparse", "--partitions", "4");
        await fixture.RunWithInputAsync("only\n", "produce", "sparse", "--partition", "2");

        var polled = await fixture.RunAsync("consume", "sparse");
        var pushed = await fixture.RunAsync("consume", "sparse", "--fetch-mode", "push");
        var fromEnd = await fixture.RunAsync("consume", "sparse", "--from", "end");

        Assert.Equal(["only"], polled.Lines());
        Assert.Equal(["only"], pushed.Lines());
        Assert.Equal((0, string.Empty), (fromEnd.ExitCode, fromEnd.Stdout));
    }

    [Fact]
    public async Task Consume_with_follow_prints_records_produced_later_and_exits_cleanly_when_cancelled()
    {
        await fixture.RunAsync("topic", "create", "live");
        await fixture.RunWithInputAsync("early bird\n", "produce", "live");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var stdout = TextWriter.Synchronized(output);
        var following = LbctlApp.RunAsync(["consume", "live", "--from", "beginning", "--follow", "--bootstrap", fixture.Broker.Address], TextReader.Null, stdout, TextWriter.Null, stop.Token);
        await LogBroker.Testing.Eventually.True(() => Captured(stdout, output).Contains("early bird", StringComparison.Ordinal), "the consume to print the record that was there");

        await using (var producer = fixture.Broker.Producer())
        {
            await producer.ProduceAsync("live", null, "late arrival"u8.ToArray());
        }

        await LogBroker.Testing.Eventually.True(() => Captured(stdout, output).Contains("late arrival", StringComparison.Ordinal), "the following consume to print the new record");
        await stop.CancelAsync();

        Assert.Equal(0, await following);
        Assert.Equal(["early bird", "late arrival"], Captured(stdout, output).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Ctrl_c_ends_a_consume_without_follow_with_exit_code_0_whenever_it_comes_while_other_commands_exit_130()
    {
        await fixture.RunAsync("topic", "create", "cut-short");
        await fixture.RunWithInputAsync("a\nb\n", "produce", "cut-short");
        using var interrupted = new CancellationTokenSource();
        await interrupted.CancelAsync();

        var consumed = await Lbctl.RunAsync(["consume", "cut-short", "--bootstrap", fixture.Broker.Address], string.Empty, interrupted.Token);
        var listed = await Lbctl.RunAsync(["topic", "list", "--bootstrap", fixture.Broker.Address], string.Empty, interrupted.Token);

        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        Assert.Contains("Consumed 0 record(s).", consumed.Stderr);
        Assert.True(listed.ExitCode == 130, listed.ToString());
        Assert.Contains("interrupted", listed.Stderr);
    }

    /// <summary>Reads what the synchronized writer has written so far, under the lock its writes take.</summary>
    private static string Captured(TextWriter synchronized, StringWriter inner)
    {
        lock (synchronized)
        {
            return inner.ToString();
        }
    }
}
