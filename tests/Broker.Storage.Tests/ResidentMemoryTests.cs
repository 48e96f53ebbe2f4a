using System.Globalization;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

public class ResidentMemoryTests
{
    [Fact]
    public void Released_pages_stop_counting_as_resident_and_the_data_reads_back_unchanged()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the process memory figures read here are Linux's
        }

        using var h = new LogHarness(LogHarness.Small(segmentBytes: 128 * 1024 * 1024) with { MaxMessageBytes = 1 << 20 });
        for (var i = 0; i < 1024; i++)
        {
            h.Log.Append(TestBatches.Create(500, valueSize: 120, firstIndex: (int)h.Log.LogEndOffset), 0);
        }

        h.Log.UpdateHighWatermark(h.Log.LogEndOffset);
        var before = ResidentFileBytes();
        var checksum = ReadEverything(h);
        var afterReading = ResidentFileBytes();

        h.Log.ReleaseResidentPages();
        var afterRelease = ResidentFileBytes();

        Assert.True(afterReading - before > 32L << 20, $"reading {h.Log.SizeInBytes >> 20} MiB mapped only {(afterReading - before) >> 20} MiB");
        Assert.True(afterReading - afterRelease > 32L << 20, $"release dropped only {(afterReading - afterRelease) >> 20} MiB");
        Assert.Equal(checksum, ReadEverything(h));
    }

    private static long ReadEverything(LogHarness h)
    {
        long sum = 0;
        var offset = h.Log.LogStartOffset;
        while (offset < h.Log.HighWatermark)
        {
            using var read = h.Log.Read(offset, 1 << 20);
            foreach (var b in read.Records.Span)
            {
                sum += b;
            }

            offset = Protocol.Batches.BatchCursor.NextOffsetAfter(read.Records.Span);
        }

        return sum;
    }

    private static long ResidentFileBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("RssFile:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("RssFile not found");
    }
}
