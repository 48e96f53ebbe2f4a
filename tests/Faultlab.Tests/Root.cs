using Xunit;

namespace LogBroker.Faultlab.Tests;

/// <summary>Tests that build namespaces, links, rules or mounts need root and iproute2 (CI runs as root); elsewhere they are reported as skipped.</summary>
public static class Root
{
    private static readonly string[] IpLocations = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];

    public static void Required() =>
        Skip.IfNot(Environment.IsPrivilegedProcess && IpLocations.Any(File.Exists), "needs root and iproute2: namespaces, links and mounts cannot be made here");
}
