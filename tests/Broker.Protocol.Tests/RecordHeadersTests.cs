using LogBroker.Protocol.Batches;
using Xunit;

namespace LogBroker.Protocol.Tests;

public class RecordHeadersTests
{
    /// <summary>The headers of the only record of a batch built with <paramref name="headers"/>, as a consumer sees them.</summary>
    private static RecordHeaders HeadersOf(params RecordHeader[] headers)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "k"u8, "v"u8, headers);
        var records = RecordCursor.ForBatch(builder.Build().ToArray());
        Assert.True(records.MoveNext(out var record));
        return new RecordHeaders(record.RawHeaders, record.HeaderCount);
    }

    [Fact]
    public void The_last_header_with_the_key_wins_and_a_missing_key_is_not_found()
    {
        var headers = HeadersOf(new RecordHeader("trace", "a"u8.ToArray()), new RecordHeader("span", "x"u8.ToArray()), new RecordHeader("trace", "b"u8.ToArray()));

        Assert.True(headers.TryGetLast("trace", out var trace));
        Assert.Equal("b"u8.ToArray(), trace!.Value.ToArray());
        Assert.False(headers.TryGetLast("missing", out var missing));
        Assert.Null(missing);
        Assert.False(headers.TryGetLast("trac", out _));
    }

    [Fact]
    public void A_null_value_is_found_as_null()
    {
        var headers = HeadersOf(RecordHeader.Null("gone"));

        Assert.True(headers.TryGetLast("gone", out var value));
        Assert.Null(value);
    }

    [Fact]
    public void Non_ascii_and_long_keys_match_by_their_utf8_bytes()
    {
        var longKey = new string('é', 300); // 600 UTF-8 bytes: past the stack buffer
        var headers = HeadersOf(new RecordHeader("clé-€", "1"u8.ToArray()), new RecordHeader(longKey, "2"u8.ToArray()));

        Assert.True(headers.TryGetLast("clé-€", out var short1));
        Assert.Equal("1"u8.ToArray(), short1!.Value.ToArray());
        Assert.True(headers.TryGetLast(longKey, out var long2));
        Assert.Equal("2"u8.ToArray(), long2!.Value.ToArray());
        Assert.False(headers.TryGetLast(longKey[..^1], out _));
    }

    [Fact]
    public void Looking_a_key_up_allocates_nothing()
    {
        var headers = HeadersOf(new RecordHeader("content-type", "json"u8.ToArray()), new RecordHeader("trace", "abc"u8.ToArray()));
        headers.TryGetLast("trace", out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = 0;
        for (var i = 0; i < 100; i++)
        {
            found += headers.TryGetLast("trace", out _) ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100, found);
    }
}
