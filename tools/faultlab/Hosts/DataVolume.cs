using System.Globalization;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// One broker's data filesystem: a tmpfs of a fixed size mounted in the run directory (root only), so
/// the disk-full fault can fill exactly that broker's disk and nothing else; or, where mounting is not
/// allowed, a plain directory (and no disk-full fault). The broker's data directory is <c>data/</c> in
/// it; the ballast that fills it sits beside, outside the broker's files. Owned by the lab; disposing
/// unmounts and deletes.
/// </summary>
public sealed class DataVolume : IAsyncDisposable
{
    private const string BallastName = "ballast";

    /// <summary>The largest ballast file: small enough to allocate before a busy broker's writes change what is free.</summary>
    private const long BallastPieceBytes = 64L * 1024 * 1024;

    /// <summary>A page: below it nothing can be allocated any more.</summary>
    private const long MinimumPieceBytes = 4096;
    private readonly string _source;

    private DataVolume(string mountPoint, string source, long? sizeBytes)
    {
        MountPoint = mountPoint;
        _source = source;
        SizeBytes = sizeBytes;
    }

    public string MountPoint { get; }

    public string DataDirectory => Path.Combine(MountPoint, "data");

    /// <summary>The filesystem's size when it is a tmpfs of its own, else null (a plain directory on a shared disk).</summary>
    public long? SizeBytes { get; }

    /// <summary>Whether <see cref="FillAsync"/> can fill this volume without filling anybody else's disk.</summary>
    public bool CanFill => SizeBytes is not null;

    public bool IsFull => Directory.EnumerateFiles(MountPoint, BallastName + ".*").Any();

    /// <summary>A tmpfs of <paramref name="sizeBytes"/> at <paramref name="mountPoint"/>, its source named <paramref name="source"/> so cleanup can find it.</summary>
    public static async Task<DataVolume> MountTmpfsAsync(string mountPoint, string source, long sizeBytes)
    {
        Directory.CreateDirectory(mountPoint);
        var size = string.Create(CultureInfo.InvariantCulture, $"size={sizeBytes},mode=0755");
        await CommandRunner.RunCheckedAsync("mount", ["-t", "tmpfs", "-o", size, source, mountPoint]);
        var volume = new DataVolume(mountPoint, source, sizeBytes);
        Directory.CreateDirectory(volume.DataDirectory);
        return volume;
    }

    public static DataVolume PlainDirectory(string path)
    {
        var volume = new DataVolume(path, string.Empty, null);
        Directory.CreateDirectory(volume.DataDirectory);
        return volume;
    }

    /// <summary>
    /// Takes every free byte with pre-allocated ballast files (fallocate: the blocks are really reserved,
    /// not a sparse promise), so the broker's next write that needs a new block fails with ENOSPC. Works in
    /// pieces of at most <see cref="BallastPieceBytes"/>, halving a piece the broker's own writes made too
    /// big, until nothing is free. Returns the bytes taken. Nothing else may be written to the volume while
    /// it is full, not even a marker.
    /// </summary>
    public long Fill(CancellationToken cancellationToken = default)
    {
        if (!CanFill)
        {
            throw new InvalidOperationException($"{MountPoint} is not a filesystem of its own; filling it would fill a shared disk");
        }

        long taken = 0;
        long piece = BallastPieceBytes;
        for (var index = 0; piece >= MinimumPieceBytes && FreeBytes() is var free && free > 0; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var size = Math.Min(piece, free);
            var path = Path.Combine(MountPoint, string.Create(CultureInfo.InvariantCulture, $"{BallastName}.{index}"));
            try
            {
                using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = size });
                taken += size;
            }
            catch (IOException)
            {
                File.Delete(path); // the broker took some of it first: try a smaller piece
                piece = size / 2;
            }
        }

        return taken;
    }

    /// <summary>Frees what <see cref="Fill"/> took.</summary>
    public void Drain()
    {
        foreach (var file in Directory.EnumerateFiles(MountPoint, BallastName + ".*"))
        {
            File.Delete(file);
        }
    }

    public long FreeBytes() => new DriveInfo(MountPoint).AvailableFreeSpace;

    /// <summary>Unmounts (after the brokers using it have exited) and deletes the mount point.</summary>
    public async ValueTask DisposeAsync()
    {
        if (SizeBytes is not null)
        {
            var result = await CommandRunner.RunAsync("umount", [MountPoint]);
            if (!result.Succeeded)
            {
                // Busy (a process still has a file open): detach it now, the kernel frees it when the last user goes.
                await CommandRunner.RunCheckedAsync("umount", ["-l", MountPoint]);
            }
        }

        try
        {
            Directory.Delete(MountPoint, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public override string ToString() => SizeBytes is { } size
        ? string.Create(CultureInfo.InvariantCulture, $"tmpfs {_source} of {size / (1024 * 1024)} MiB at {MountPoint}")
        : $"directory {MountPoint}";
}
