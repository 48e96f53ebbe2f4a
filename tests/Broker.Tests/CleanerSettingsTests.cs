using LogBroker.Broker.Hosting;
using LogBroker.Storage;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>The <c>LogBroker:Cleaner</c> settings bound the broker's log cleaner, and bad ones stop the broker from starting.</summary>
public class CleanerSettingsTests
{
    [Fact]
    public async Task Cleaner_settings_reach_the_log_cleaner()
    {
        await using var configured = await BrokerHost.StartAsync(
            "--LogBroker:Cleaner:IoMaxBytesPerSecond", "1048576",
            "--LogBroker:Cleaner:DedupeBufferBytes", "8388608",
            "--LogBroker:Cleaner:BackoffMs", "250");
        await using var defaults = await BrokerHost.StartAsync();

        var set = configured.Services.GetRequiredService<LogManager>().Cleaner.Options;
        var unset = defaults.Services.GetRequiredService<LogManager>().Cleaner.Options;

        Assert.Equal((1048576L, 8L << 20, TimeSpan.FromMilliseconds(250), true), (set.MaxIoBytesPerSecond, set.DedupeBufferBytes, set.BackoffInterval, set.Enabled));
        Assert.Equal((long.MaxValue, 64L << 20, TimeSpan.FromSeconds(15), true), (unset.MaxIoBytesPerSecond, unset.DedupeBufferBytes, unset.BackoffInterval, unset.Enabled));
    }

    [Theory]
    [InlineData("IoMaxBytesPerSecond", "0", "Cleaner:IoMaxBytesPerSecond must be -1 (no limit) or positive")]
    [InlineData("DedupeBufferBytes", "1000", "Cleaner:DedupeBufferBytes must be from 1048576 (1 MiB)")]
    [InlineData("BackoffMs", "0", "Cleaner:BackoffMs must be positive")]
    public void A_bad_cleaner_setting_stops_the_broker_from_starting_and_is_named(string setting, string value, string message)
    {
        using var data = new TempDirectory("bad-cleaner");

        var refused = Assert.Throws<InvalidOperationException>(() => BrokerApp.Build(["--data-dir", data.Path, "--grpc-port", "0", "--http-port", "0", $"--LogBroker:Cleaner:{setting}", value]));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }
}
