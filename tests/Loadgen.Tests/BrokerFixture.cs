using System.Text.Json;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Loadgen.Tests;

/// <summary>
/// One real broker for every loadgen test (each test uses its own topic). The tests share a collection,
/// so they run one at a time and timing-sensitive ones (rate limiting) are not disturbed by the others.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private BrokerHost? _broker;

    public BrokerHost Broker => _broker ?? throw new InvalidOperationException("the broker has not started");

    public string Address => Broker.Address;

    public async Task InitializeAsync() => _broker = await BrokerHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    /// <summary>Runs loadgen in process, bounded to a minute, capturing both streams.</summary>
    public static async Task<LoadgenResult> RunAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await RunAsync(args, timeout.Token);
    }

    public static async Task<LoadgenResult> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await LoadgenApp.RunAsync(args, stdout, stderr, cancellationToken);
        return new LoadgenResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Records between the log start and end of every partition of <paramref name="topic"/>.</summary>
    public async Task<long> RecordsInAsync(string topic)
    {
        await using var admin = Broker.Admin();
        var partitions = await admin.PartitionsOfAsync(topic);
        var earliest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Earliest);
        var latest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Latest);
        return partitions.Sum(p => latest[p].Offset - earliest[p].Offset);
    }

    /// <summary>Every record of <paramref name="topic"/>, read back with a plain consumer.</summary>
    public async Task<List<ConsumeResult>> ReadAllAsync(string topic)
    {
        var expected = await RecordsInAsync(topic);
        await using var admin = Broker.Admin();
        var partitions = await admin.PartitionsOfAsync(topic);
        await using var consumer = Broker.Consumer();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var records = new List<ConsumeResult>();
        while (records.Count < expected)
        {
            records.Add(await consumer.ConsumeOneAsync(timeout.Token));
        }

        return records;
    }

    /// <summary>
    /// The size and record count of every batch in <paramref name="topic"/>'s segment files, read from the
    /// running broker's data directory up to each active segment's pre-allocated zeros.
    /// </summary>
    public List<(int SizeInBytes, int Records)> BatchesOnDisk(string topic)
    {
        var batches = new List<(int, int)>();
        var header = new byte[RecordBatchLayout.HeaderSize];
        foreach (var segment in Directory.GetDirectories(Broker.Data.Path, topic + "-*").SelectMany(d => Directory.GetFiles(d, "*.log")))
        {
            using var file = File.OpenHandle(segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(file);
            for (long position = 0; position + header.Length <= length && RandomAccess.Read(file, header, position) == header.Length;)
            {
                var batch = new RecordBatch(header);
                if (batch.BatchLength == 0)
                {
                    break;
                }

                batches.Add((batch.SizeInBytes, batch.RecordsCount));
                position += batch.SizeInBytes;
            }
        }

        return batches;
    }
}

public sealed record LoadgenResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Reads a <c>--json</c> report.</summary>
public static class JsonReport
{
    public static JsonDocument Load(string path) => JsonDocument.Parse(File.ReadAllText(path));
}

[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "broker";
}
