using System.Text;
using LogBroker.Client;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Lbctl.Tests;

public class DumpLogCommandTests
{
    private const string Topic = "audit";

    [Fact]
    public async Task A_segment_of_a_stopped_broker_dumps_every_batch_and_record_whole()
    {
        await using var broker = await BrokerHost.StartAsync();
        await ProduceBatchesAsync(broker);
        await broker.StopAsync();
        var segment = SegmentOf(broker);

        var json = await Lbctl.RunAsync("dump-log", segment, "--records", "--output", "json");
        var text = await Lbctl.RunAsync("dump-log", segment, "--records");

        Assert.Equal(0, json.ExitCode);
        var dump = json.Json();
        var batches = dump.GetProperty("batches").EnumerateArray().ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal(0, dump.GetProperty("segmentBaseOffset").GetInt64());
        Assert.All(batches, b => Assert.True(b.GetProperty("crcValid").GetBoolean() && b.GetProperty("valid").GetBoolean()));
        Assert.All(batches, b => Assert.Equal((2, 0), (b.GetProperty("magic").GetInt32(), b.GetProperty("partitionLeaderEpoch").GetInt32())));
        Assert.Equal(["none", "none", "lz4"], batches.Select(b => b.GetProperty("compression").GetString()));
        Assert.Equal([0L, 1L, 2L], batches.Select(b => b.GetProperty("baseOffset").GetInt64()));
        Assert.Equal([0L, 1L, 3L], batches.Select(b => b.GetProperty("lastOffset").GetInt64()));
        Assert.Equal(batches[0].GetProperty("size").GetInt64(), batches[1].GetProperty("position").GetInt64());
        Assert.Equal(-1, batches[0].GetProperty("producerId").GetInt64());
        Assert.Equal("createTime", batches[0].GetProperty("timestampType").GetString());
        Assert.Equal(1_767_225_600_000, batches[0].GetProperty("baseTimestamp").GetInt64());
        var records = batches.SelectMany(b => b.GetProperty("records").EnumerateArray()).ToList();
        Assert.Equal([0L, 1L, 2L, 3L], records.Select(r => r.GetProperty("offset").GetInt64()));
        Assert.Equal(["order-0", "order-1", "order-2", "order-3"], records.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["{\"qty\":0}", "{\"qty\":1}", "{\"qty\":2}", "{\"qty\":3}"], records.Select(r => r.GetProperty("value").GetString()));
        Assert.Equal("lbctl-test", records[3].GetProperty("headers")[0].GetProperty("value").GetString());
        var end = dump.GetProperty("end");
        Assert.Equal("endOfFile", end.GetProperty("kind").GetString());
        Assert.Equal(new FileInfo(segment).Length, end.GetProperty("position").GetInt64());
        Assert.False(dump.GetProperty("damaged").GetBoolean());

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("baseOffset: 2 lastOffset: 3 count: 2", text.Stdout);
        Assert.Contains("crcValid: true compression: lz4", text.Stdout);
        Assert.Contains("| offset: 3 timestamp: 1767225603000 (2026-01-01T00:00:03.000Z) keySize: 7 valueSize: 9 key: order-3 value: {\"qty\":3} headers: [source=lbctl-test]", text.Stdout);
        Assert.Contains($"End of file at position {new FileInfo(segment).Length}", text.Stdout);
        Assert.Contains("3 batch(es), 4 record(s), offsets 0..3; damaged batches: 0", text.Stdout);
    }

    [Fact]
    public async Task The_active_segment_of_a_running_broker_dumps_up_to_its_preallocated_space()
    {
        await using var broker = await BrokerHost.StartAsync();
        await ProduceBatchesAsync(broker);
        var segment = SegmentOf(broker);

        var run = await Lbctl.RunAsync("dump-log", segment, "-o", "json");
        var text = await Lbctl.RunAsync("dump-log", segment);

        Assert.Equal(0, run.ExitCode);
        var dump = run.Json();
        var end = dump.GetProperty("end");
        var position = end.GetProperty("position").GetInt64();
        Assert.Equal("preallocatedSpace", end.GetProperty("kind").GetString());
        Assert.Equal(dump.GetProperty("batches").EnumerateArray().Sum(b => b.GetProperty("size").GetInt64()), position);
        Assert.Equal(new FileInfo(segment).Length - position, end.GetProperty("bytesAfter").GetInt64());
        Assert.Equal(4, dump.GetProperty("recordCount").GetInt64());
        Assert.Equal(0, text.ExitCode);
        Assert.Contains($"End of data at position {position} ({new FileInfo(segment).Length - position} bytes of pre-allocated space follow)", text.Stdout);
    }

    [Fact]
    public async Task A_flipped_byte_inside_a_batch_shows_that_batch_with_a_bad_crc_the_rest_whole_and_exit_code_3()
    {
        await using var broker = await BrokerHost.StartAsync();
        await ProduceBatchesAsync(broker);
        await broker.StopAsync();
        using var copies = new TempDirectory("dump-log");
        var damaged = CopyOf(SegmentOf(broker), copies);
        var secondBatch = new RecordBatch(File.ReadAllBytes(damaged)).SizeInBytes;
        FlipByte(damaged, secondBatch + RecordBatchLayout.HeaderSize + 3);

        var json = await Lbctl.RunAsync("dump-log", damaged, "--records", "-o", "json");
        var text = await Lbctl.RunAsync("dump-log", damaged);

        Assert.Equal(3, json.ExitCode);
        var batches = json.Json().GetProperty("batches").EnumerateArray().ToList();
        Assert.Equal([true, false, true], batches.Select(b => b.GetProperty("crcValid").GetBoolean()));
        Assert.Contains("CRC", batches[1].GetProperty("problem").GetString());
        Assert.Equal("endOfFile", json.Json().GetProperty("end").GetProperty("kind").GetString());
        Assert.Equal(1, json.Json().GetProperty("damagedBatches").GetInt32());
        Assert.True(json.Json().GetProperty("damaged").GetBoolean());
        Assert.Contains("damage found", json.Stderr);
        Assert.Equal(3, text.ExitCode);
        Assert.Contains("crcValid: false", text.Stdout);
        Assert.Contains("DAMAGED: batch CRC is", text.Stdout);
    }

    [Fact]
    public async Task A_file_cut_mid_batch_reports_a_torn_tail_at_that_batch_and_exit_code_3()
    {
        await using var broker = await BrokerHost.StartAsync();
        await ProduceBatchesAsync(broker);
        await broker.StopAsync();
        using var copies = new TempDirectory("dump-log");
        var torn = CopyOf(SegmentOf(broker), copies);
        var whole = (await Lbctl.RunAsync("dump-log", torn, "-o", "json")).Json().GetProperty("batches").EnumerateArray().ToList();
        var lastBatch = whole[^1].GetProperty("position").GetInt64();
        using (var file = new FileStream(torn, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(lastBatch + 30);
        }

        var json = await Lbctl.RunAsync("dump-log", torn, "-o", "json");
        var text = await Lbctl.RunAsync("dump-log", torn);

        Assert.Equal(3, json.ExitCode);
        var dump = json.Json();
        Assert.Equal(2, dump.GetProperty("batches").GetArrayLength());
        var end = dump.GetProperty("end");
        Assert.Equal(("tornTail", lastBatch, 30L), (end.GetProperty("kind").GetString(), end.GetProperty("position").GetInt64(), end.GetProperty("bytesAfter").GetInt64()));
        Assert.Contains("too few for a batch header", end.GetProperty("reason").GetString());
        Assert.Equal(3, text.ExitCode);
        Assert.Contains($"TORN TAIL at position {lastBatch}", text.Stdout);
    }

    [Fact]
    public async Task A_batch_longer_than_the_rest_of_the_file_is_a_torn_tail()
    {
        using var directory = new TempDirectory("dump-log");
        var path = directory.Combine("00000000000000000042.log");
        var batch = TestBatches.Create(3);
        await File.WriteAllBytesAsync(path, [.. batch, .. batch.AsSpan(0, batch.Length - 5)]);

        var run = await Lbctl.RunAsync("dump-log", path, "-o", "json");

        Assert.Equal(3, run.ExitCode);
        var dump = run.Json();
        Assert.Equal(42, dump.GetProperty("segmentBaseOffset").GetInt64());
        Assert.Equal(1, dump.GetProperty("batchCount").GetInt32());
        Assert.Equal(batch.Length, dump.GetProperty("end").GetProperty("position").GetInt64());
        Assert.Contains($"the batch claims {batch.Length} bytes but only {batch.Length - 5} remain", dump.GetProperty("end").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Zeros_between_two_batches_are_a_zeroed_gap_with_exit_code_3_not_preallocated_space()
    {
        await using var broker = await BrokerHost.StartAsync();
        await ProduceBatchesAsync(broker);
        await broker.StopAsync();
        using var copies = new TempDirectory("dump-log");
        var gapped = CopyOf(SegmentOf(broker), copies);
        var original = await File.ReadAllBytesAsync(gapped);
        var firstBatch = new RecordBatch(original).SizeInBytes;
        await File.WriteAllBytesAsync(gapped, [.. original.AsSpan(0, firstBatch), .. new byte[4096], .. original.AsSpan(firstBatch)]);

        var json = await Lbctl.RunAsync("dump-log", gapped, "-o", "json");
        var text = await Lbctl.RunAsync("dump-log", gapped);

        Assert.Equal(3, json.ExitCode);
        var dump = json.Json();
        Assert.Equal(1, dump.GetProperty("batchCount").GetInt32());
        var end = dump.GetProperty("end");
        Assert.Equal(("zeroedGap", (long)firstBatch, (long)(original.Length + 4096 - firstBatch)), (end.GetProperty("kind").GetString(), end.GetProperty("position").GetInt64(), end.GetProperty("bytesAfter").GetInt64()));
        Assert.Contains($"first non-zero byte after them is at position {firstBatch + 4096 + 7}", end.GetProperty("reason").GetString()); // the next base offset, 1, has seven leading zero bytes
        Assert.True(dump.GetProperty("damaged").GetBoolean());
        Assert.Contains($"zeroed gap at position {firstBatch}", json.Stderr);
        Assert.Equal(3, text.ExitCode);
        Assert.Contains($"ZEROED GAP at position {firstBatch}", text.Stdout);
    }

    [Fact]
    public async Task A_zeroed_first_batch_header_is_damage_at_position_0_not_an_empty_segment()
    {
        await using var broker = await BrokerHost.StartAsync();
        await ProduceBatchesAsync(broker);
        await broker.StopAsync();
        using var copies = new TempDirectory("dump-log");
        var zeroed = CopyOf(SegmentOf(broker), copies);
        using (var file = new FileStream(zeroed, FileMode.Open, FileAccess.Write))
        {
            file.Write(new byte[RecordBatchLayout.HeaderSize]);
        }

        var run = await Lbctl.RunAsync("dump-log", zeroed, "-o", "json");

        Assert.Equal(3, run.ExitCode);
        var dump = run.Json();
        Assert.Equal(0, dump.GetProperty("batchCount").GetInt32());
        var end = dump.GetProperty("end");
        Assert.Equal(("zeroedGap", 0L), (end.GetProperty("kind").GetString(), end.GetProperty("position").GetInt64()));
        Assert.Contains($"first non-zero byte after them is at position {RecordBatchLayout.HeaderSize}", end.GetProperty("reason").GetString());
        Assert.True(dump.GetProperty("damaged").GetBoolean());
    }

    [Fact]
    public async Task Data_far_into_a_sparse_preallocated_tail_is_found_and_reported_as_a_zeroed_gap()
    {
        await using var broker = await BrokerHost.StartAsync();
        await ProduceBatchesAsync(broker);
        await broker.StopAsync();
        using var copies = new TempDirectory("dump-log");
        var sparse = CopyOf(SegmentOf(broker), copies);
        var dataEnd = new FileInfo(sparse).Length;
        const long Preallocated = 1L << 30; // the default segment.bytes the broker pre-allocates, as holes
        using (var file = new FileStream(sparse, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(Preallocated);
            file.Position = Preallocated - 1;
            file.WriteByte(0x42);
        }

        var run = await Lbctl.RunAsync("dump-log", sparse, "-o", "json");

        Assert.Equal(3, run.ExitCode);
        var end = run.Json().GetProperty("end");
        Assert.Equal(("zeroedGap", dataEnd), (end.GetProperty("kind").GetString(), end.GetProperty("position").GetInt64()));
        Assert.Contains($"first non-zero byte after them is at position {Preallocated - 1}", end.GetProperty("reason").GetString());
        Assert.Equal(3, run.Json().GetProperty("batchCount").GetInt32());
    }

    [Fact]
    public async Task The_active_segment_of_an_empty_topic_is_all_preallocated_space()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync(Topic);
        }

        var segment = SegmentOf(broker);
        await Eventually.True(() => File.Exists(segment), "the broker to create the topic's first segment");

        var run = await Lbctl.RunAsync("dump-log", segment, "-o", "json");

        Assert.Equal(0, run.ExitCode);
        var dump = run.Json();
        var end = dump.GetProperty("end");
        Assert.Equal(0, dump.GetProperty("batchCount").GetInt32());
        Assert.Equal(("preallocatedSpace", 0L, new FileInfo(segment).Length), (end.GetProperty("kind").GetString(), end.GetProperty("position").GetInt64(), end.GetProperty("bytesAfter").GetInt64()));
        Assert.False(dump.GetProperty("damaged").GetBoolean());
    }

    [Fact]
    public async Task A_missing_file_is_an_error()
    {
        var run = await Lbctl.RunAsync("dump-log", "/nonexistent/00000000000000000000.log");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/nonexistent/00000000000000000000.log", run.Stderr);
    }

    /// <summary>Three batches on partition 0: one record, one record, then two lz4-compressed records; timestamps one second apart from 2026-01-01.</summary>
    private static async Task ProduceBatchesAsync(BrokerHost broker)
    {
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync(Topic);
        }

        var headers = new[] { new RecordHeader("source", "lbctl-test"u8.ToArray()) };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using (var plain = broker.Producer())
        {
            for (var i = 0; i < 2; i++)
            {
                await plain.ProduceAsync(Topic, Key(i), Value(i), headers, start + (i * 1000));
            }
        }

        await using var compressed = broker.Producer(o => o with { Compression = CompressionType.Lz4, Linger = TimeSpan.FromSeconds(10) });
        var pending = new[] { compressed.ProduceAsync(Topic, Key(2), Value(2), headers, start + 2000).AsTask(), compressed.ProduceAsync(Topic, Key(3), Value(3), headers, start + 3000).AsTask() };
        await compressed.FlushAsync();
        await Task.WhenAll(pending);

        static byte[] Key(int i) => Encoding.UTF8.GetBytes($"order-{i}");

        static byte[] Value(int i) => Encoding.UTF8.GetBytes($"{{\"qty\":{i}}}");
    }

    private static string SegmentOf(BrokerHost broker) => Path.Combine(broker.Data.Path, $"{Topic}-0", "00000000000000000000.log");

    private static string CopyOf(string segment, TempDirectory directory)
    {
        var copy = directory.Combine(Path.GetFileName(segment));
        File.Copy(segment, copy);
        return copy;
    }

    private static void FlipByte(string path, long position)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = position;
        var original = file.ReadByte();
        file.Position = position;
        file.WriteByte((byte)(original ^ 0xFF));
    }
}
