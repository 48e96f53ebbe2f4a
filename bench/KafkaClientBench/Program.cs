using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

// kafka-client-bench produce|consume --bootstrap HOST:PORT --topic T --count N [--record-size B] [--compression none|lz4] [--partitions P]
// Prints one line: mode, records, seconds, records/s, MB/s (10^6 bytes of values). Exit 1 on any delivery or consume error.
if (args.Length < 1 || args[0] is not ("produce" or "consume"))
{
    Console.Error.WriteLine("usage: kafka-client-bench produce|consume --bootstrap HOST:PORT --topic T --count N [--record-size B] [--compression none|lz4] [--partitions P]");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}

var bootstrap = options.GetValueOrDefault("--bootstrap", "127.0.0.1:9092");
var topic = options.GetValueOrDefault("--topic", "bench");
var count = long.Parse(options.GetValueOrDefault("--count", "1000000"), CultureInfo.InvariantCulture);
var recordSize = int.Parse(options.GetValueOrDefault("--record-size", "100"), CultureInfo.InvariantCulture);
var partitions = int.Parse(options.GetValueOrDefault("--partitions", "1"), CultureInfo.InvariantCulture);
var compression = options.GetValueOrDefault("--compression", "none") == "lz4" ? CompressionType.Lz4 : CompressionType.None;

var stopwatch = Stopwatch.StartNew();
long errors = 0;
if (args[0] == "produce")
{
    // Values are random letters (as loadgen's), one shared buffer: the client copies each into its batch.
    var value = new byte[recordSize];
    for (var i = 0; i < value.Length; i++)
    {
        value[i] = (byte)('a' + Random.Shared.Next(26));
    }

    var config = new ProducerConfig
    {
        BootstrapServers = bootstrap,
        EnableIdempotence = false,
        Acks = Acks.Leader,
        LingerMs = 5,
        BatchSize = 1_000_000,
        CompressionType = compression,
    };
    using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
    Action<DeliveryReport<Null, byte[]>> onDelivery = report =>
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref errors);
        }
    };
    var message = new Message<Null, byte[]> { Value = value };
    for (long i = 0; i < count; i++)
    {
        while (true)
        {
            try
            {
                producer.Produce(new TopicPartition(topic, (int)(i % partitions)), message, onDelivery);
                break;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    producer.Flush(TimeSpan.FromMinutes(5));
}
else
{
    var config = new ConsumerConfig
    {
        BootstrapServers = bootstrap,
        GroupId = "kafka-client-bench",
        EnableAutoCommit = false,
        FetchWaitMaxMs = 100,
    };
    using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
    consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
    long seen = 0;
    var idleSince = Stopwatch.StartNew();
    while (seen < count)
    {
        var record = consumer.Consume(TimeSpan.FromMilliseconds(500));
        if (record is null)
        {
            if (idleSince.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.Error.WriteLine($"no record for 30 s after {seen}");
                errors++;
                break;
            }

            continue;
        }

        idleSince.Restart();
        seen++;
    }
}

var seconds = stopwatch.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[0]} records={count} seconds={seconds:F2} records/s={count / seconds:F0} MB/s={count * (double)recordSize / seconds / 1e6:F1} errors={errors}"));
return errors == 0 ? 0 : 1;
