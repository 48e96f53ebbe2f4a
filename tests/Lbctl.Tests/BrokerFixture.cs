using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Lbctl.Tests;

/// <summary>One real broker for a test class; tests use topic names of their own, so they do not see each other's data.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public BrokerHost Broker { get; private set; } = null!;

    public Task<LbctlRun> RunAsync(params string[] args) => Lbctl.RunAsync([.. args, "--bootstrap", Broker.Address]);

    public Task<LbctlRun> RunWithInputAsync(string stdin, params string[] args) => Lbctl.RunAsync([.. args, "--bootstrap", Broker.Address], stdin);

    public async Task InitializeAsync() => Broker = await BrokerHost.StartAsync();

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}
