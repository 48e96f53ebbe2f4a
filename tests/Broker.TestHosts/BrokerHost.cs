using LogBroker.Broker.Hosting;
using LogBroker.Client;
using LogBroker.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogBroker.TestHosts;

/// <summary>
/// A real broker, in this process, on loopback ports chosen by the OS, with its data in a temp
/// directory that outlives restarts of the host and is deleted with the fixture.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly string[] _extraArgs;
    private WebApplication? _app;

    private BrokerHost(TempDirectory data, string[] extraArgs)
    {
        Data = data;
        _extraArgs = extraArgs;
    }

    public TempDirectory Data { get; }

    /// <summary>The metadata quorum's port: the quorum must know its own endpoint, so it cannot be 0. Kept across restarts.</summary>
    public int ControllerPort { get; } = FreePorts.Next();

    public string Address { get; private set; } = string.Empty;

    public string HttpAddress { get; private set; } = string.Empty;

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the broker is not running");

    public static async Task<BrokerHost> StartAsync(params string[] extraArgs)
    {
        var host = new BrokerHost(new TempDirectory("broker"), extraArgs);
        await host.StartAgainAsync();
        return host;
    }

    /// <summary>Starts (again) over the same data directory.</summary>
    public async Task StartAgainAsync()
    {
        string[] args =
        [
            "--data-dir", Data.Path,
            "--grpc-port", "0",
            "--http-port", "0",
            "--controller-port", ControllerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:LogBroker", "Warning",
            .. _extraArgs,
        ];
        _app = BrokerApp.Build(args);
        await _app.StartAsync();
        var lifecycle = _app.Services.GetRequiredService<BrokerLifecycle>();
        await Eventually.True(() => lifecycle.IsReady, "the broker to be unfenced and its groups loaded", TimeSpan.FromSeconds(60));
        var endpoints = _app.Services.GetRequiredService<BrokerEndpoints>();
        var options = _app.Services.GetRequiredService<BrokerOptions>();
        Address = endpoints.GrpcAddress(options);
        HttpAddress = endpoints.HttpAddress(options);
    }

    /// <summary>A clean stop (what SIGTERM does): drains calls, flushes, writes the clean-shutdown marker.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public ProducerOptions ProducerOptions => new() { BootstrapServers = Address, Linger = TimeSpan.FromMilliseconds(2) };

    public ConsumerOptions ConsumerOptions => new() { BootstrapServers = Address, FetchMaxWait = TimeSpan.FromMilliseconds(200) };

    public AdminClient Admin() => new(new AdminClientOptions { BootstrapServers = Address });

    public Producer Producer(Func<ProducerOptions, ProducerOptions>? tweak = null) => new((tweak ?? (o => o))(ProducerOptions));

    public Consumer Consumer(Func<ConsumerOptions, ConsumerOptions>? tweak = null) => new((tweak ?? (o => o))(ConsumerOptions));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Data.Dispose();
    }
}
