using System.Runtime.InteropServices;

namespace LogBroker.Storage.Durability;

/// <summary>
/// fsync of a directory, so that files created or renamed in it survive a power failure: fsync of a
/// file makes its bytes durable, not the directory entry that names it. .NET cannot open a directory
/// as a file handle (it refuses with EACCES after the open), so this calls libc's open, fsync and close
/// directly; no pointers are involved and the descriptor never leaves this type. Unix only: on Windows
/// a file's metadata is made durable with the file, so this is a no-op there.
/// </summary>
internal static partial class DirectoryFsync
{
    private const int ReadOnly = 0;
    private const int Interrupted = 4; // EINTR

    /// <summary>Raised after each successful flush with the directory's path: lets tests see which directories were made durable.</summary>
    internal static event Action<string>? Flushed;

    /// <summary>Makes the entries of <paramref name="directory"/> durable. Throws <see cref="IOException"/> when the OS reports a failure.</summary>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var flags = ReadOnly | CloseOnExec;
        int fd;
        do
        {
            fd = Open(directory, flags);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        if (fd < 0)
        {
            throw Failure("open", directory);
        }

        try
        {
            int result;
            do
            {
                result = Fsync(fd);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == Interrupted);

            if (result < 0)
            {
                throw Failure("fsync", directory);
            }
        }
        finally
        {
            _ = Close(fd); // the flush already succeeded or failed; close errors add nothing
        }

        Flushed?.Invoke(directory);
    }

    /// <summary>O_CLOEXEC, so a process started meanwhile does not inherit the descriptor; its value differs by OS.</summary>
    private static int CloseOnExec => OperatingSystem.IsLinux() ? 0x80000 : OperatingSystem.IsMacOS() ? 0x1000000 : 0;

    private static IOException Failure(string call, string directory)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} of directory '{directory}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
