using System.Text;
using LogBroker.Storage.Durability;

namespace LogBroker.Storage.Checkpoints;

/// <summary>
/// Replaces a small file so that a crash leaves either the old contents or the new, never a mix:
/// write a temporary file, fsync it, then rename it over the target (rename is atomic on POSIX),
/// then fsync the directory so that the rename itself survives a power failure.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> contents)
    {
        var temp = path + ".tmp";
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, contents, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temp, path, overwrite: true);
        DirectoryFsync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    public static void WriteText(string path, string contents) => Write(path, Encoding.UTF8.GetBytes(contents));
}
