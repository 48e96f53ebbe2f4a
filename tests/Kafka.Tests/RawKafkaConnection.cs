using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace LogBroker.Kafka.Tests;

/// <summary>
/// A bare TCP connection to the Kafka listener that sends hand-built frames (well-formed or not) and
/// reads response frames, for what a real client never sends: garbage, pipelined bursts, cut-off
/// requests. Every read has a deadline.
/// </summary>
internal sealed class RawKafkaConnection : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawKafkaConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawKafkaConnection> OpenAsync(string bootstrap)
    {
        var parts = bootstrap.Split(':');
        var client = new TcpClient();
        await client.ConnectAsync(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        return new RawKafkaConnection(client);
    }

    /// <summary>A request frame: size, header (v1, or v2 with empty tagged fields), body.</summary>
    public static byte[] Frame(short apiKey, short version, int correlationId, byte[] body, bool flexibleHeader = false)
    {
        var clientId = Encoding.UTF8.GetBytes("raw-test");
        var header = new List<byte>();
        header.AddRange(Int16(apiKey));
        header.AddRange(Int16(version));
        header.AddRange(Int32(correlationId));
        header.AddRange(Int16((short)clientId.Length));
        header.AddRange(clientId);
        if (flexibleHeader)
        {
            header.Add(0);
        }

        return [.. Int32(header.Count + body.Length), .. header, .. body];
    }

    public static byte[] Int16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] String(string value) => [.. Int16((short)Encoding.UTF8.GetByteCount(value)), .. Encoding.UTF8.GetBytes(value)];

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>The next response: its correlation id and the bytes after it; null when the broker closed the connection.</summary>
    public async Task<(int CorrelationId, byte[] Body)?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var prefix = new byte[4];
        if (!await ReadExactlyAsync(prefix, timeout.Token))
        {
            return null;
        }

        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        if (!await ReadExactlyAsync(frame, timeout.Token))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt32BigEndian(frame), frame[4..]);
    }

    /// <summary>True once the broker has closed the connection (a read returns end of stream or a reset).</summary>
    public async Task<bool> IsClosedByBrokerAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            var buffer = new byte[1024];
            while (true)
            {
                if (await _stream.ReadAsync(buffer, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
