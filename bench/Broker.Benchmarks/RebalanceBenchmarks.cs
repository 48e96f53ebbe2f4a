using BenchmarkDotNet.Attributes;
using LogBroker.Broker.Hosting;
using LogBroker.Client;
using LogBroker.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogBroker.Benchmarks;

/// <summary>
/// Rebalance time of a consumer group of 10 members over 100 partitions, at default heartbeat
/// settings, against a real broker in this process: from the moment an 11th member subscribes (or one
/// member starts closing) until every member owns exactly its balanced share (9 or 10 partitions with
/// 11 members, 10 each with 10) as its own assignment callbacks report it. Members keep consuming
/// throughout, since callbacks run on their consuming loops.
/// </summary>
[IterationCount(10)]
[WarmupCount(2)]
public class RebalanceBenchmarks
{
    private const int Partitions = 100;
    private readonly List<Member> _members = [];
    private WebApplication _broker = null!;
    private string _directory = string.Empty;
    private string _address = string.Empty;
    private Member? _extra;

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchLog.NewDirectory("rebalance");
        _broker = BrokerApp.Build(["--data-dir", _directory, "--grpc-port", "0", "--http-port", "0", "--Logging:LogLevel:Default", "Warning"]);
        _broker.StartAsync().GetAwaiter().GetResult();
        _address = _broker.Services.GetRequiredService<BrokerEndpoints>().GrpcAddress(_broker.Services.GetRequiredService<BrokerOptions>());
        var admin = new AdminClient(new AdminClientOptions { BootstrapServers = _address });
        admin.CreateTopicAsync("rebalanced", Partitions).GetAwaiter().GetResult();
        admin.DisposeAsync().AsTask().GetAwaiter().GetResult();

        for (var i = 0; i < 10; i++)
        {
            _members.Add(new Member(_address));
        }

        WaitBalanced(_members);
    }

    [IterationSetup(Target = nameof(Member_leaves_a_group_of_11))]
    public void JoinBeforeLeave()
    {
        _extra = new Member(_address);
        WaitBalanced([.. _members, _extra]);
    }

    [IterationCleanup(Target = nameof(Member_joins_a_group_of_10))]
    public void LeaveAfterJoin()
    {
        _extra!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _extra = null;
        WaitBalanced(_members);
    }

    [Benchmark(Description = "Join: 10 -> 11 members, 100 partitions")]
    public void Member_joins_a_group_of_10()
    {
        _extra = new Member(_address);
        WaitBalanced([.. _members, _extra]);
    }

    [Benchmark(Description = "Leave: 11 -> 10 members, 100 partitions")]
    public void Member_leaves_a_group_of_11()
    {
        _extra!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _extra = null;
        WaitBalanced(_members);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var member in _members)
        {
            member.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _broker.StopAsync().GetAwaiter().GetResult();
        _broker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchLog.Delete(_directory);
    }

    /// <summary>Spins (yielding) until the members' own views cover all partitions once, with loads differing by at most one.</summary>
    private static void WaitBalanced(IReadOnlyList<Member> members)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var loads = members.Select(m => m.Owned.Count).ToList();
            var all = members.SelectMany(m => m.Owned.Keys).ToList();
            if (all.Count == Partitions && all.Distinct().Count() == Partitions && loads.Max() - loads.Min() <= 1)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"group did not balance: loads {string.Join(",", loads)}");
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>A group member consuming in its own loop, tracking what it owns from its callbacks.</summary>
    private sealed class Member : IAsyncDisposable
    {
        private readonly Consumer _consumer;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Member(string address)
        {
            _consumer = new Consumer(new ConsumerOptions { BootstrapServers = address, GroupId = "bench-group", AutoOffsetReset = AutoOffsetReset.Latest });
            _consumer.PartitionsAssigned += (sender, e) => { foreach (var p in e.Partitions) Owned[p] = 0; };
            _consumer.PartitionsRevoked += (sender, e) => { foreach (var p in e.Partitions) Owned.TryRemove(p, out var removed); };
            _consumer.PartitionsLost += (sender, e) => { foreach (var p in e.Partitions) Owned.TryRemove(p, out var removed); };
            _consumer.Subscribe(["rebalanced"]);
            _loop = Task.Run(async () =>
            {
                try
                {
                    await foreach (var _ in _consumer.ConsumeAsync(_stop.Token))
                    {
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public System.Collections.Concurrent.ConcurrentDictionary<TopicPartition, byte> Owned { get; } = new();

        /// <summary>Closes as an application would: its loop ends, then close revokes (callbacks fire) and leaves.</summary>
        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            await _consumer.DisposeAsync();
            Owned.Clear();
            _stop.Dispose();
        }
    }
}
