using LogBroker.Faultlab.Hosts;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class DataVolumeTests
{
    [SkippableFact]
    public async Task Filling_a_broker_disk_takes_every_byte_of_its_own_filesystem_and_draining_gives_them_back()
    {
        Capabilities.RequireMounts();
        using var claimed = new ClaimedRun();
        var run = claimed.Run;
        var volume = await DataVolume.MountTmpfsAsync(run.VolumeMountPoint(1), run.VolumeSource(1), 16L * 1024 * 1024);
        await using (volume)
        {
            await File.WriteAllBytesAsync(Path.Combine(volume.DataDirectory, "segment"), new byte[1024 * 1024]);

            var taken = volume.Fill();

            Assert.True(volume.IsFull);
            Assert.Equal(0, volume.FreeBytes());
            Assert.InRange(taken, 14L * 1024 * 1024, 15L * 1024 * 1024);
            Assert.Throws<IOException>(() => File.WriteAllBytes(Path.Combine(volume.DataDirectory, "more"), new byte[8192]));

            volume.Drain();

            Assert.False(volume.IsFull);
            Assert.True(volume.FreeBytes() > 14L * 1024 * 1024);
            Assert.Contains($"{run.VolumeSource(1)} {run.VolumeMountPoint(1)} tmpfs", await File.ReadAllTextAsync("/proc/mounts"), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(run.VolumeSource(1), await File.ReadAllTextAsync("/proc/mounts"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(run.VolumeMountPoint(1)));
    }

    [Fact]
    public void A_plain_directory_on_a_shared_disk_is_never_filled()
    {
        using var dir = new Testing.TempDirectory("faultlab");
        var volume = DataVolume.PlainDirectory(dir.Combine("node1"));

        Assert.False(volume.CanFill);
        Assert.True(Directory.Exists(volume.DataDirectory));
        Assert.Throws<InvalidOperationException>(() => volume.Fill());
    }
}
