using LogBroker.Client;

namespace LogBroker.Lbctl.Producing;

/// <summary>
/// Collects the outcome of each produced line as the producer reports it (on its own threads), so
/// the command can print a summary, and per-line results when asked, once everything is flushed.
/// Per-line results are kept only when <c>keepLines</c>, so a large file costs no memory per line.
/// </summary>
internal sealed class DeliveryLog(bool keepLines)
{
    private readonly Lock _lock = new();
    private readonly List<LineDelivery> _lines = [];
    private int _delivered;
    private int _failed;
    private string? _firstError;

    public int Delivered
    {
        get
        {
            lock (_lock)
            {
                return _delivered;
            }
        }
    }

    public int Failed
    {
        get
        {
            lock (_lock)
            {
                return _failed;
            }
        }
    }

    public string? FirstError
    {
        get
        {
            lock (_lock)
            {
                return _firstError;
            }
        }
    }

    /// <summary>Per-line outcomes in line order (empty unless lines are kept).</summary>
    public IReadOnlyList<LineDelivery> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines.OrderBy(l => l.Line)];
            }
        }
    }

    public Action<DeliveryReport> CallbackFor(int line) => report => Record(line, report.Result, report.Error?.Message);

    /// <summary>A line that never reached the producer (no key separator, refused on enqueue).</summary>
    public void RecordFailure(int line, string error) => Record(line, default, error);

    private void Record(int line, DeliveryResult result, string? error)
    {
        lock (_lock)
        {
            if (error is null)
            {
                _delivered++;
            }
            else
            {
                _failed++;
                _firstError ??= $"line {line}: {error}";
            }

            if (keepLines)
            {
                _lines.Add(error is null
                    ? new LineDelivery(line, result.Partition, result.Offset, result.TimestampMs, null)
                    : new LineDelivery(line, null, null, null, error));
            }
        }
    }
}
