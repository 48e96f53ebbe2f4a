using LogBroker.Faultlab.Cluster;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class CappedLogTests
{
    [Fact]
    public void Broker_lines_past_the_cap_are_counted_and_faultlab_notes_are_always_kept()
    {
        using var dir = new TempDirectory("faultlab");
        var path = dir.Combine("node1.log");

        using (var log = new CappedLog(path, maxBrokerBytes: 25))
        {
            log.Note("=== start");
            for (var i = 0; i < 10; i++)
            {
                log.Broker($"line {i:D4}");
            }

            log.Note("=== killed");
        }

        Assert.Equal(["=== start", "line 0000", "line 0001", "line 0002", "=== killed", "=== faultlab: 7 more line(s) dropped after the broker's output reached 25 bytes"], File.ReadAllLines(path));
    }

    [Fact]
    public void Lines_after_dispose_are_dropped_quietly_and_a_reopened_log_appends()
    {
        using var dir = new TempDirectory("faultlab");
        var path = dir.Combine("node1.log");
        var first = new CappedLog(path);
        first.Broker("before");
        first.Dispose();

        first.Broker("after");
        using (var second = new CappedLog(path))
        {
            second.Note("again");
        }

        Assert.Equal(["before", "again"], File.ReadAllLines(path));
    }
}
