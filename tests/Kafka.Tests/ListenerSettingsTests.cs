using LogBroker.Broker.Hosting;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LogBroker.Kafka.Tests;

/// <summary>The listener's settings: off unless enabled, and bad values refused at startup.</summary>
public sealed class ListenerSettingsTests
{
    [Fact]
    public async Task The_Kafka_listener_is_off_unless_enabled()
    {
        using var data = new TempDirectory("kafka-off");
        await using var app = BrokerApp.Build(["--data-dir", data.Path, "--grpc-port", "0", "--http-port", "0", "--controller-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        var endpoint = app.Services.GetRequiredService<KafkaEndpoint>();
        Assert.False(endpoint.IsEnabled);
        Assert.Equal(string.Empty, endpoint.Advertised);
        Assert.Throws<InvalidOperationException>(() => endpoint.Port);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("--kafka-port", "9400")]
    [InlineData("--kafka-port", "70000")]
    [InlineData("--LogBroker:KafkaMaxRequestBytes", "10")]
    [InlineData("--LogBroker:KafkaMaxQueuedRequestsPerConnection", "0")]
    public void Bad_Kafka_settings_are_refused_with_the_setting_named(string flag, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BrokerApp.Build(["--kafka-enabled", "true", "--grpc-port", "9400", flag, value]));
        Assert.Contains("Kafka", error.Message, StringComparison.Ordinal);
    }
}
