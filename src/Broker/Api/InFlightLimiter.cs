using System.Collections.Concurrent;

namespace LogBroker.Broker.Api;

/// <summary>
/// Caps request bytes held by the broker: in total, and per client connection (Kafka's
/// queued.max.request.bytes, per connection as well). Each request message is reserved before its
/// bytes are read (<see cref="BudgetedBodyReader"/>) and released when the call is done with it; when
/// a budget is spent the call waits without reading, which pushes back on the client through HTTP/2
/// flow control rather than growing the broker's memory.
/// </summary>
public sealed class InFlightLimiter(long totalBytes, long perConnectionBytes)
{
    private readonly ByteBudget _total = new(totalBytes);
    private readonly ConcurrentDictionary<string, ConnectionBudget> _connections = new(StringComparer.Ordinal);

    public long InFlightBytes => _total.InUse;

    /// <summary>The most request bytes held at once since start; never above the total budget (a message larger than the budget counts as all of it).</summary>
    public long PeakInFlightBytes => _total.Peak;

    public int TrackedConnections => _connections.Count;

    /// <summary>Joins a call to its connection's budget; dispose when the call ends.</summary>
    public ConnectionScope Enter(string connectionId)
    {
        while (true)
        {
            var budget = _connections.GetOrAdd(connectionId, _ => new ConnectionBudget(perConnectionBytes));
            if (budget.TryAddCall())
            {
                return new ConnectionScope(this, connectionId, budget);
            }

            // The last call of that connection just retired this budget: make a fresh one.
            _connections.TryRemove(KeyValuePair.Create(connectionId, budget));
        }
    }

    /// <summary>A call's share of the connection and total budgets.</summary>
    public sealed class ConnectionScope(InFlightLimiter limiter, string connectionId, ConnectionBudget budget) : IDisposable
    {
        /// <summary>Takes <paramref name="bytes"/> from both budgets if both have them free now.</summary>
        public bool TryAcquire(long bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Lease? lease)
        {
            lease = null;
            if (!budget.Bytes.TryAcquire(bytes))
            {
                return false;
            }

            if (!limiter._total.TryAcquire(bytes))
            {
                budget.Bytes.Release(bytes);
                return false;
            }

            lease = new Lease(this, bytes);
            return true;
        }

        /// <summary>Waits until <paramref name="bytes"/> fit in both budgets; dispose the lease when done with them.</summary>
        public async ValueTask<Lease> AcquireAsync(long bytes, CancellationToken cancellationToken)
        {
            await budget.Bytes.AcquireAsync(bytes, cancellationToken);
            try
            {
                await limiter._total.AcquireAsync(bytes, cancellationToken);
            }
            catch
            {
                budget.Bytes.Release(bytes);
                throw;
            }

            return new Lease(this, bytes);
        }

        public void Dispose()
        {
            if (budget.RemoveCall())
            {
                limiter._connections.TryRemove(KeyValuePair.Create(connectionId, budget));
            }
        }

        internal void Release(long bytes)
        {
            limiter._total.Release(bytes);
            budget.Bytes.Release(bytes);
        }
    }

    /// <summary>Bytes held for one request; released exactly once.</summary>
    public sealed class Lease(ConnectionScope scope, long bytes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                scope.Release(bytes);
            }
        }
    }

    /// <summary>A connection's budget and the number of calls using it; retired when the last call ends.</summary>
    public sealed class ConnectionBudget(long capacity)
    {
        private readonly Lock _lock = new();
        private int _calls;
        private bool _retired;

        public ByteBudget Bytes { get; } = new(capacity);

        public bool TryAddCall()
        {
            lock (_lock)
            {
                if (_retired)
                {
                    return false;
                }

                _calls++;
                return true;
            }
        }

        /// <summary>True when this was the last call: the budget is retired.</summary>
        public bool RemoveCall()
        {
            lock (_lock)
            {
                _calls--;
                _retired = _calls == 0;
                return _retired;
            }
        }
    }
}
