using LogBroker.Faultlab.Hosts;
using Xunit;

namespace LogBroker.Faultlab.Tests;

/// <summary>
/// What this machine lets the tests build, found by trying once (root alone is not enough in a container
/// without CAP_NET_ADMIN or CAP_SYS_ADMIN): network namespaces with iproute2, and tmpfs mounts. Tests that
/// need what is missing are reported as skipped, the campaign test degrades as faultlab itself does.
/// </summary>
public static class Capabilities
{
    private static readonly Lazy<bool> NamespacesWork = new(() => Probe(async probe =>
    {
        var ns = probe.Namespace(0);
        var made = await CommandRunner.RunAsync("ip", ["netns", "add", ns]);
        await CommandRunner.RunAsync("ip", ["netns", "del", ns]);
        return made.Succeeded;
    }));

    private static readonly Lazy<bool> MountsWork = new(() => Probe(async probe =>
    {
        var volume = await DataVolume.MountTmpfsAsync(probe.VolumeMountPoint(0), probe.VolumeSource(0), 1024 * 1024);
        await volume.DisposeAsync();
        return true;
    }));

    public static bool CanMount => Environment.IsPrivilegedProcess && MountsWork.Value;

    public static void RequireNamespaces() =>
        Skip.IfNot(Environment.IsPrivilegedProcess && NamespacesWork.Value, "network namespaces cannot be made here (needs root with CAP_NET_ADMIN and iproute2)");

    public static void RequireMounts() =>
        Skip.IfNot(CanMount, "tmpfs cannot be mounted here (needs root with CAP_SYS_ADMIN)");

    private static bool Probe(Func<RunIdentity, Task<bool>> attempt)
    {
        var probe = RunIdentity.New();
        try
        {
            RunOwner.Claim(probe);
            return attempt(probe).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is LabException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            if (Directory.Exists(probe.RunDirectory))
            {
                Directory.Delete(probe.RunDirectory, recursive: true);
            }
        }
    }
}
