using System.Collections.Concurrent;
using System.Threading.Channels;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// Sends the ISR changes leaders want to the controller (Kafka's AlterPartitionManager), one partition
/// at a time in the order they asked, each at most once in the queue, and hands every answer back to
/// its partition. Partitions ask from the fetch path, so asking only queues.
/// </summary>
public sealed class IsrChangeSender : IAsyncDisposable
{
    private int _disposed;

    private readonly IController _controller;
    private readonly BrokerIdentity _identity;
    private readonly Func<long> _brokerEpoch;
    private readonly ILogger<IsrChangeSender> _logger;
    private readonly Channel<Partition> _wanted = Channel.CreateUnbounded<Partition>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<TopicPartition, byte> _queued = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly Action<bool> _onAccepted;

    public IsrChangeSender(IController controller, BrokerIdentity identity, Func<long> brokerEpoch, Action<bool> onAccepted, ILogger<IsrChangeSender> logger)
    {
        _onAccepted = onAccepted;
        _controller = controller;
        _identity = identity;
        _brokerEpoch = brokerEpoch;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    private long _accepted;

    /// <summary>ISR shrinks and expands the controller accepted.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public void Want(Partition partition)
    {
        if (_queued.TryAdd(partition.TopicPartition, 0))
        {
            _wanted.Writer.TryWrite(partition);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // stopped by the lifecycle already; the container disposes it again
        }

        _wanted.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        await foreach (var partition in _wanted.Reader.ReadAllAsync(token))
        {
            _queued.TryRemove(partition.TopicPartition, out _);
            var epoch = _brokerEpoch();
            var isrBefore = partition.InSyncReplicas.Count;
            var request = epoch < 0 ? null : partition.TakeIsrChange(_identity.NodeId, epoch);
            if (request is null)
            {
                continue;
            }

            AlterPartitionResult result;
            try
            {
                result = await _controller.AlterPartitionAsync(request, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }

            partition.CompleteIsrChange(result);
            if (result.Error == ErrorCode.None)
            {
                Interlocked.Increment(ref _accepted);
                _onAccepted(request.NewIsr.Count > isrBefore);
            }
            else
            {
                _logger.LogInformation("ISR change of {TopicPartition} to [{Isr}] refused: {Error} {Message}", request.TopicPartition, string.Join(',', request.NewIsr), result.Error, result.Message);
            }
        }
    }
}
