using System.Net;
using LogBroker.Faultlab.Hosts;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class TargetGuardTests
{
    private readonly TargetGuard _guard = new([new NodeEndpoint(1, IPAddress.Parse("10.213.4.1"), 9400, 9401, 9402), new NodeEndpoint(2, IPAddress.Parse("10.213.4.2"), 9400, 9401, 9402)]);

    [Fact]
    public void The_lab_own_broker_ports_pass()
    {
        _guard.CheckUrl(new Uri("http://10.213.4.2:9400"));
        _guard.CheckUrl(new Uri("http://10.213.4.1:9401/health/ready"));
        Assert.Equal("http://10.213.4.1:9400,http://10.213.4.2:9400", _guard.CheckBootstrap("http://10.213.4.1:9400,http://10.213.4.2:9400"));
        _guard.CheckHost(IPAddress.Parse("10.213.4.1"));
    }

    [Theory]
    [InlineData("http://10.213.4.3:9400")]
    [InlineData("http://10.213.4.1:22")]
    [InlineData("http://127.0.0.1:9400")]
    [InlineData("http://example.org:9400")]
    public void Anything_else_is_refused(string url)
    {
        Assert.Throws<LabException>(() => _guard.CheckUrl(new Uri(url)));
        Assert.Throws<LabException>(() => _guard.CheckBootstrap("http://10.213.4.1:9400," + url));
    }

    [Fact]
    public void A_host_outside_the_lab_is_refused()
    {
        Assert.Throws<LabException>(() => _guard.CheckHost(IPAddress.Parse("192.0.2.1")));
    }
}
