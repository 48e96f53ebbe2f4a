using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Channels;
using LogBroker.Broker.Api;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Broker.Observability;
using LogBroker.Protocol.Errors;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>
/// One client connection: a read loop that cuts size-prefixed frames out of the socket's pipe and
/// starts each request in arrival order, and a write loop that writes the responses in that same
/// order (Kafka clients match responses to requests by order as well as by correlation id). The
/// queue between them is bounded in requests and in bytes. A malformed frame, an unknown API or an
/// unsupported version closes this connection with a log line; nothing else is affected.
/// </summary>
internal sealed class KafkaConnection(ConnectionContext connection, KafkaApiRegistry apis, KafkaListenerLimits limits, BrokerMetrics metrics, ILogger logger, CancellationToken stopping)
{
    /// <summary>Responses are flushed when no further one is ready, or after this many bytes, so the socket gets large writes.</summary>
    private const long FlushBytes = 1 << 20;

    private readonly ByteBudget _budget = new(limits.MaxInFlightBytesPerConnection);
    private readonly Channel<Pending> _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(limits.MaxQueuedRequests) { SingleReader = true, SingleWriter = true });
    private readonly string _clientHost = (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString() ?? "unknown";

    public async Task RunAsync()
    {
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, stopping);
        var writing = WriteLoopAsync(closing);
        try
        {
            await ReadLoopAsync(connection.Transport.Input, closing.Token);
        }
        catch (KafkaProtocolException e)
        {
            logger.LogWarning("Kafka connection {Connection} from {Remote} closed: {Reason}", connection.ConnectionId, connection.RemoteEndPoint, e.Message);
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            // the client went away or the broker is stopping: answer what was started, then close
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException)
        {
            logger.LogDebug(e, "Kafka connection {Connection} from {Remote} dropped", connection.ConnectionId, connection.RemoteEndPoint);
        }
        finally
        {
            _pending.Writer.TryComplete();
        }

        await writing;
        await connection.Transport.Input.CompleteAsync();
        await connection.Transport.Output.CompleteAsync();
    }

    private async Task ReadLoopAsync(PipeReader input, CancellationToken cancellationToken)
    {
        RequestFrame? partial = null;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                try
                {
                    while (true)
                    {
                        if (partial is null)
                        {
                            if (buffer.Length < 4)
                            {
                                break;
                            }

                            var size = ReadSize(buffer);
                            await _budget.AcquireAsync(size, cancellationToken);
                            try
                            {
                                await limits.Total.AcquireAsync(size, cancellationToken);
                            }
                            catch
                            {
                                _budget.Release(size);
                                throw;
                            }

                            partial = new RequestFrame(size, _budget, limits.Total);
                            buffer = buffer.Slice(4);
                        }

                        buffer = buffer.Slice(partial.Fill(buffer));
                        if (!partial.IsComplete)
                        {
                            break;
                        }

                        var frame = partial;
                        partial = null;
                        await DispatchAsync(frame, cancellationToken);
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    if (partial is not null || !buffer.IsEmpty)
                    {
                        logger.LogDebug("Kafka connection {Connection} closed by the client in the middle of a request", connection.ConnectionId);
                    }

                    return;
                }
            }
        }
        finally
        {
            partial?.Dispose();
        }
    }

    private int ReadSize(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < RequestHeader.FixedSize + 2 || size > limits.MaxRequestBytes)
        {
            throw new KafkaProtocolException($"request size {size} is outside [{RequestHeader.FixedSize + 2}, {limits.MaxRequestBytes}] bytes");
        }

        return size;
    }

    /// <summary>Starts one request; waits for it to finish unless its API is pipelined. Owns <paramref name="frame"/> from here.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2012:Use ValueTasks correctly", Justification = "The queued response task is consumed once, by the write loop.")]
    private async ValueTask DispatchAsync(RequestFrame frame, CancellationToken cancellationToken)
    {
        Pending pending;
        try
        {
            pending = Start(frame, cancellationToken);
        }
        catch
        {
            frame.Dispose();
            throw;
        }

        if (!pending.Pipelined && !pending.Response.IsCompleted)
        {
            KafkaResponse? response;
            try
            {
                response = await pending.Response;
            }
            catch
            {
                frame.Dispose();
                throw;
            }

            pending = pending with { Response = ValueTask.FromResult(response) };
        }

        try
        {
            await _pending.Writer.WriteAsync(pending, cancellationToken);
        }
        catch
        {
            await DiscardAsync(pending);
            throw;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2012:Use ValueTasks correctly", Justification = "Each response task is consumed once: by the write loop, or (for a request that is not pipelined) by DispatchAsync, which then queues its result instead.")]
    private Pending Start(RequestFrame frame, CancellationToken cancellationToken)
    {
        var span = frame.Memory.Span;
        var key = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(span);
        var version = BinaryPrimitives.ReadInt16BigEndian(span[2..]);
        var handler = apis.Find(key) ?? throw new KafkaProtocolException($"API key {(short)key} is not served by this listener");
        var started = Stopwatch.GetTimestamp();
        if (version < handler.MinVersion || version > handler.MaxVersion)
        {
            if (key != ApiKey.ApiVersions)
            {
                throw new KafkaProtocolException($"{key} version {version} is not supported (versions {handler.MinVersion} to {handler.MaxVersion} are)");
            }

            // A client newer than us: tell it what we serve, at v0, which every client can read.
            var correlationId = BinaryPrimitives.ReadInt32BigEndian(span[4..]);
            var header = new RequestHeader(key, 0, correlationId, null);
            return new Pending(header, false, false, ValueTask.FromResult<KafkaResponse?>(new ApiVersionsResponse(ErrorCode.UnsupportedVersion, apis.Supported)), frame, started);
        }

        var reader = new KafkaReader(frame.Memory, flexible: false);
        var requestHeader = RequestHeader.Read(ref reader, apis.IsFlexible);
        var context = new KafkaRequestContext(requestHeader, frame.Memory[reader.Position..], reader.Flexible, connection.ConnectionId, _clientHost);
        return new Pending(requestHeader, reader.Flexible, handler.Pipelined, handler.HandleAsync(context, cancellationToken), frame, started);
    }

    private async Task WriteLoopAsync(CancellationTokenSource closing)
    {
        var output = connection.Transport.Output;
        using var writer = new KafkaResponseWriter();
        var unflushed = 0L;
        var reader = _pending.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var pending))
                {
                    using (pending.Frame)
                    {
                        using var response = await pending.Response;
                        metrics.Request(ApiLabels.Of(pending.Header.ApiKey), "ok", Stopwatch.GetElapsedTime(pending.Started).TotalSeconds);
                        if (response is not null)
                        {
                            // ApiVersions answers with response header v0 whatever its version, so a client can always read it.
                            writer.Start(pending.Header.CorrelationId, pending.Flexible, pending.Flexible && pending.Header.ApiKey != ApiKey.ApiVersions);
                            response.Write(writer, pending.Header.ApiVersion);
                            writer.CopyTo(output);
                            unflushed += writer.FrameSize;
                        }
                    }

                    if (unflushed >= FlushBytes || (unflushed > 0 && !reader.TryPeek(out _)))
                    {
                        unflushed = 0;
                        if ((await output.FlushAsync()).IsCompleted)
                        {
                            await AbortAsync(closing);
                            return;
                        }
                    }
                }
            }
        }
        catch (KafkaProtocolException e)
        {
            logger.LogWarning("Kafka connection {Connection} from {Remote} closed: {Reason}", connection.ConnectionId, connection.RemoteEndPoint, e.Message);
            await AbortAsync(closing);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (e is IOException or ConnectionResetException or ConnectionAbortedException)
            {
                logger.LogDebug(e, "Kafka connection {Connection} dropped while writing", connection.ConnectionId);
            }
            else
            {
                logger.LogError(e, "Kafka connection {Connection} from {Remote} closed: a request failed", connection.ConnectionId, connection.RemoteEndPoint);
            }

            await AbortAsync(closing);
        }
        catch (OperationCanceledException)
        {
            await AbortAsync(closing);
        }
    }

    /// <summary>Stops the read loop and releases whatever requests are still queued.</summary>
    private async Task AbortAsync(CancellationTokenSource closing)
    {
        await closing.CancelAsync();
        connection.Abort(new ConnectionAbortedException("Kafka connection closed"));
        _pending.Writer.TryComplete();
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (_pending.Reader.TryRead(out var pending))
            {
                await DiscardAsync(pending);
            }
        }
    }

    private static async Task DiscardAsync(Pending pending)
    {
        try
        {
            (await pending.Response)?.Dispose();
        }
        catch (Exception)
        {
            // the connection is closing: the request's outcome has nobody to go to
        }
        finally
        {
            pending.Frame.Dispose();
        }
    }

    private readonly record struct Pending(RequestHeader Header, bool Flexible, bool Pipelined, ValueTask<KafkaResponse?> Response, RequestFrame Frame, long Started);
}
