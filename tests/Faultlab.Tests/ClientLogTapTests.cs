using LogBroker.Faultlab.Workload;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class ClientLogTapTests
{
    [Fact]
    public void Client_log_events_with_an_error_are_counted_by_template_and_code()
    {
        var tally = new ErrorTally();
        var logger = new ClientLogTap(tally).CreateLogger("LogBroker.Client.Producer");

        logger.LogDebug("Retrying {Partition} after {Error} (attempt {Attempt})", "t-0", ErrorCode.NetworkException, 1);
        logger.LogDebug("Retrying {Partition} after {Error} (attempt {Attempt})", "t-1", ErrorCode.NetworkException, 2);
        logger.LogWarning("Heartbeat for group {Group} failed: {Error}", "g", "CoordinatorNotAvailable: the coordinator is loading");
        logger.LogWarning("Something odd: {Error}", "no code here");
        logger.LogInformation("Nothing failed {Partition}", "t-0");

        Assert.Equal(
            [
                new ErrorCount("Heartbeat for group … failed: …", "CoordinatorNotAvailable", 1),
                new ErrorCount("Retrying … after … (attempt …)", "NetworkException", 2),
                new ErrorCount("Something odd: …", "other", 1),
            ],
            tally.Snapshot());
    }
}
