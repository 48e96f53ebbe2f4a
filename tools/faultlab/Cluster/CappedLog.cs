using System.Globalization;

namespace LogBroker.Faultlab.Cluster;

/// <summary>
/// A broker's log file across its restarts: the broker's own lines are kept until they reach a cap (a
/// full disk makes the broker log a stack trace per failed append: hundreds of MB in a long campaign),
/// the lines past it are counted and said at the end, and faultlab's notes are always written. Lines may
/// arrive from the process's output threads after it exited; after dispose they are dropped. Thread-safe.
/// </summary>
public sealed class CappedLog : IDisposable
{
    /// <summary>Broker output kept per node by default.</summary>
    public const long DefaultMaxBrokerBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly StreamWriter _writer;
    private readonly long _maxBrokerBytes;
    private long _brokerBytes;
    private long _dropped;
    private bool _closed;

    public CappedLog(string path, long maxBrokerBytes = DefaultMaxBrokerBytes)
    {
        _maxBrokerBytes = maxBrokerBytes;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>A line the broker printed: kept while under the cap, else counted.</summary>
    public void Broker(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            if (_brokerBytes >= _maxBrokerBytes)
            {
                _dropped++;
                return;
            }

            _brokerBytes += line.Length + 1;
            Write(line);
        }
    }

    /// <summary>A line of faultlab's own (starts, kills, crashes): always kept.</summary>
    public void Note(string line)
    {
        lock (_lock)
        {
            Write(line);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_dropped > 0)
            {
                Write(string.Create(CultureInfo.InvariantCulture, $"=== faultlab: {_dropped} more line(s) dropped after the broker's output reached {_maxBrokerBytes} bytes"));
            }

            _closed = true;
            _writer.Dispose();
        }
    }

    private void Write(string line)
    {
        if (!_closed)
        {
            _writer.WriteLine(line);
        }
    }
}
