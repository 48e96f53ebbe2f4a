using System.Buffers.Text;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// Which producer wrote a record and its sequence number in that producer (from 0), written at the
/// start of every value as ASCII <c>p{producer}s{sequence}|</c> and padded, so the checker can name
/// every record it reads back and a person can read it in <c>lbctl consume</c> or <c>dump-log</c>.
/// </summary>
public readonly record struct RecordId(int Producer, long Sequence)
{
    /// <summary>The longest encoded prefix: p, 10 digits, s, 19 digits, |.</summary>
    public const int MaxPrefixBytes = 32;

    /// <summary>Writes the id and fills the rest of <paramref name="value"/> with '.'; the value must hold at least the prefix.</summary>
    public void WriteTo(Span<byte> value)
    {
        var written = 0;
        value[written++] = (byte)'p';
        Utf8Formatter.TryFormat(Producer, value[written..], out var n);
        written += n;
        value[written++] = (byte)'s';
        Utf8Formatter.TryFormat(Sequence, value[written..], out n);
        written += n;
        value[written++] = (byte)'|';
        value[written..].Fill((byte)'.');
    }

    /// <summary>Reads the id at the start of a value; false for a value faultlab did not write.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out RecordId id)
    {
        id = default;
        if (value.Length < 4 || value[0] != (byte)'p'
            || !Utf8Parser.TryParse(value[1..], out int producer, out var n) || producer < 0
            || value.Length <= 1 + n || value[1 + n] != (byte)'s'
            || !Utf8Parser.TryParse(value[(2 + n)..], out long sequence, out var m) || sequence < 0
            || value.Length <= 2 + n + m || value[2 + n + m] != (byte)'|')
        {
            return false;
        }

        id = new RecordId(producer, sequence);
        return true;
    }

    public override string ToString() => $"p{Producer}s{Sequence}";
}
