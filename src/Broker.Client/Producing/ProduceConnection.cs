using System.Collections.Concurrent;
using Grpc.Core;
using LogBroker.Client.Internal;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Producing;

/// <summary>
/// The producer's pipelined stream to one broker: requests go out with increasing correlation ids,
/// at most <c>MaxInFlightRequests</c> unanswered; a reader task matches responses to requests. If the
/// stream breaks, every unanswered request is reported failed (retriable) and the next send opens a
/// new stream. One writer (the sender loop) at a time.
/// </summary>
internal sealed class ProduceConnection : IAsyncDisposable
{
    private readonly string _address;
    private readonly ChannelPool _channels;
    private readonly SemaphoreSlim _inFlight;
    private readonly ConcurrentDictionary<ulong, PendingRequest> _pending = new();
    private readonly Action<PendingRequest, ProduceResponse?, LogBrokerException?> _onDone;
    private readonly Lock _callLock = new();
    private AsyncDuplexStreamingCall<ProduceRequest, ProduceResponse>? _call;
    private Task _reader = Task.CompletedTask;
    private ulong _nextCorrelationId;

    public ProduceConnection(string address, ChannelPool channels, int maxInFlight, Action<PendingRequest, ProduceResponse?, LogBrokerException?> onDone)
    {
        _address = address;
        _channels = channels;
        _inFlight = new SemaphoreSlim(maxInFlight, maxInFlight);
        _onDone = onDone;
    }

    public string Address => _address;

    /// <summary>A sent request and the batches it carries, in the order they were put in it.</summary>
    public sealed record PendingRequest(ProducerBatch[] Batches, bool ExpectsResponse)
    {
        /// <summary>The stream it was written to: only that stream's failure fails it.</summary>
        internal object? Call { get; set; }
    }

    /// <summary>Waits for an in-flight slot, then writes the request. The outcome arrives through the completion callback.</summary>
    public async Task SendAsync(ProduceRequest request, ProducerBatch[] batches, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        var expectsResponse = request.Acks != Protocol.Grpc.Acks.None;
        var pending = new PendingRequest(batches, expectsResponse);
        AsyncDuplexStreamingCall<ProduceRequest, ProduceResponse> call;
        try
        {
            call = EnsureCall();
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or InvalidOperationException)
        {
            _inFlight.Release();
            _onDone(pending, null, new LogBrokerException(ErrorCode.NetworkException, $"cannot open a produce stream to {_address}: {e.Message}", e));
            return;
        }

        request.CorrelationId = ++_nextCorrelationId;
        pending.Call = call;
        if (expectsResponse)
        {
            _pending[request.CorrelationId] = pending;
        }

        try
        {
            await call.RequestStream.WriteAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is RpcException or IOException or InvalidOperationException or OperationCanceledException)
        {
            Reset(call);
            if (!expectsResponse || _pending.TryRemove(request.CorrelationId, out _))
            {
                _inFlight.Release();
                _onDone(pending, null, new LogBrokerException(ErrorCode.NetworkException, $"produce stream to {_address} broke: {e.Message}", e));
            }

            return;
        }

        if (!expectsResponse)
        {
            _inFlight.Release();
            _onDone(pending, null, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AsyncDuplexStreamingCall<ProduceRequest, ProduceResponse>? call;
        lock (_callLock)
        {
            call = _call;
            _call = null;
        }

        if (call is not null)
        {
            try
            {
                // Half-close, then let the broker finish reading: disposing the call at once would
                // reset the stream and drop requests it has not read yet (all of them, with acks=none).
                await call.RequestStream.CompleteAsync();
                await _reader.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or TimeoutException)
            {
                // already broken, or the broker is gone
            }

            call.Dispose();
        }

        FailAll(new LogBrokerException(ErrorCode.NetworkException, "the producer is closing"), call: null);
        _inFlight.Dispose();
    }

    private AsyncDuplexStreamingCall<ProduceRequest, ProduceResponse> EnsureCall()
    {
        lock (_callLock)
        {
            if (_call is not null)
            {
                return _call;
            }

            var client = new LogBroker.Protocol.Grpc.Produce.ProduceClient(_channels.For(_address));
            var call = client.ProduceStream();
            _call = call;
            _reader = Task.Run(() => ReadResponsesAsync(call));
            return call;
        }
    }

    private async Task ReadResponsesAsync(AsyncDuplexStreamingCall<ProduceRequest, ProduceResponse> call)
    {
        LogBrokerException? failure = null;
        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var response = call.ResponseStream.Current;
                if (_pending.TryRemove(response.CorrelationId, out var pending))
                {
                    _inFlight.Release();
                    _onDone(pending, response, null);
                }
            }

            failure = new LogBrokerException(ErrorCode.NetworkException, $"broker {_address} ended the produce stream");
        }
        catch (RpcException e)
        {
            failure = e.ToLogBroker(_address);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            failure = new LogBrokerException(ErrorCode.NetworkException, $"produce stream to {_address} broke: {e.Message}", e);
        }

        Reset(call);
        FailAll(failure, call);
    }

    private void Reset(AsyncDuplexStreamingCall<ProduceRequest, ProduceResponse> call)
    {
        lock (_callLock)
        {
            if (ReferenceEquals(_call, call))
            {
                _call = null;
            }
        }

        call.Dispose();
    }

    /// <summary>Fails what was sent on <paramref name="call"/> (everything when null) and not yet answered.</summary>
    private void FailAll(LogBrokerException error, object? call)
    {
        foreach (var (id, candidate) in _pending)
        {
            if ((call is null || ReferenceEquals(candidate.Call, call)) && _pending.TryRemove(id, out var pending))
            {
                try
                {
                    _inFlight.Release();
                }
                catch (ObjectDisposedException)
                {
                }

                _onDone(pending, null, error);
            }
        }
    }
}
