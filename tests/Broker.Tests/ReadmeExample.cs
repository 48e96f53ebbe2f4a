using System.Text;
using LogBroker.Client;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Tests;

/// <summary>
/// The README's client example, line for line between the markers (<see cref="ReadmeTests"/> checks
/// that they match), so the example in the README is compiled and run by the tests.
/// </summary>
internal static class ReadmeExample
{
    public static async Task RunAsync(string Broker)
    {
        // README:begin
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = Broker }))
        {
            try
            {
                await admin.CreateTopicAsync("orders", partitions: 3);
            }
            catch (LogBrokerException e) when (e.Code == ErrorCode.TopicAlreadyExists)
            {
                // a second run finds it there
            }
        }

        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = Broker }))
        {
            for (var i = 0; i < 10; i++)
            {
                var delivered = await producer.ProduceAsync("orders", Encoding.UTF8.GetBytes($"customer-{i % 4}"), Encoding.UTF8.GetBytes($"{{\"order\":{i}}}"));
                Console.WriteLine($"order {i} stored in partition {delivered.Partition} at offset {delivered.Offset}");
            }
        }

        await using var consumer = new Consumer(new ConsumerOptions
        {
            BootstrapServers = Broker,
            GroupId = "billing",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        });
        consumer.Subscribe(["orders"]);
        var seen = 0;
        await foreach (var record in consumer.ConsumeAsync())
        {
            Console.WriteLine($"{record.Partition}/{record.Offset} {record.KeyAsString()} = {record.ValueAsString()}");
            if (++seen == 10)
            {
                break; // disposing the consumer commits its position and leaves the group
            }
        }
        // README:end
    }
}
