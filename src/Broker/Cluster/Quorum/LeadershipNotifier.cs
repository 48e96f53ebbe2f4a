using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// Delivers <see cref="IMetadataQuorum.LeadershipChanged"/>: changes are posted from the engine's own
/// threads (which must not block) and handed to the handlers on one thread-pool loop, in order, one at
/// a time. A change equal to the last one delivered is dropped, since the engine and the leadership watch
/// may both report the same step-down.
/// </summary>
internal sealed class LeadershipNotifier : IAsyncDisposable
{
    private readonly Channel<QuorumLeadership> _changes = Channel.CreateUnbounded<QuorumLeadership>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _loop;

    public LeadershipNotifier(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(DeliverAsync);
    }

    public event Action<QuorumLeadership>? Changed;

    public void Post(QuorumLeadership change) => _changes.Writer.TryWrite(change);

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task DeliverAsync()
    {
        QuorumLeadership? last = null;
        await foreach (var change in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (change == last)
            {
                continue;
            }

            last = change;
            try
            {
                Changed?.Invoke(change);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A metadata quorum leadership handler failed on {Change}", change);
            }
        }
    }
}
