using LogBroker.Loadgen.Producing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

public class SendTimeQueueTests
{
    [Fact]
    public void Dequeues_in_the_order_enqueued_across_growth()
    {
        var queue = new SendTimeQueue(initialCapacity: 4);
        for (var i = 0; i < 100; i++)
        {
            queue.Enqueue(i);
        }

        Assert.True(queue.Capacity >= 100);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(queue.TryDequeue(out var value));
            Assert.Equal(i, value);
        }

        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Wraps_around_without_growing_when_kept_short()
    {
        var queue = new SendTimeQueue(initialCapacity: 8);
        for (var i = 0; i < 1000; i++)
        {
            queue.Enqueue(i);
            queue.Enqueue(i + 1_000_000);
            Assert.True(queue.TryDequeue(out var first));
            Assert.True(queue.TryDequeue(out var second));
            Assert.Equal((i, i + 1_000_000), (first, second));
        }

        Assert.Equal(8, queue.Capacity);
    }

    [Fact]
    public void RemoveLast_takes_back_the_newest_entry()
    {
        var queue = new SendTimeQueue();
        queue.Enqueue(1);
        queue.Enqueue(2);

        queue.RemoveLast();

        Assert.Equal(1, queue.Count);
        Assert.True(queue.TryDequeue(out var value));
        Assert.Equal(1, value);
    }

    [Fact]
    public async Task One_writer_and_three_readers_see_every_value_exactly_once_and_each_reader_in_order()
    {
        const int Count = 2_000_000;
        var queue = new SendTimeQueue(initialCapacity: 2);
        var seen = new int[Count];
        var taken = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        void Read()
        {
            var last = -1L;
            while (Volatile.Read(ref taken) < Count && !timeout.IsCancellationRequested)
            {
                if (queue.TryDequeue(out var value))
                {
                    Assert.True(value > last, $"{value} after {last}");
                    last = value;
                    Interlocked.Increment(ref seen[value]);
                    Interlocked.Increment(ref taken);
                }
            }
        }

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(Read)).ToArray();
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Count; i++)
            {
                queue.Enqueue(i);
            }
        });

        await Task.WhenAll([writer, .. readers]);

        Assert.False(timeout.IsCancellationRequested, $"timed out with {taken} of {Count} taken");
        Assert.All(seen, n => Assert.Equal(1, n));
    }
}
