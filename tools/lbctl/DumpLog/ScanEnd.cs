namespace LogBroker.Lbctl.DumpLog;

/// <summary>
/// Why a segment scan stopped: the file ended after a whole batch; pre-allocated zeros follow the
/// data (the broker's active segment is sparse-allocated to its full size); or the bytes at
/// <see cref="Position"/> cannot be a whole batch (a torn write or damaged framing), which is damage.
/// </summary>
internal sealed record ScanEnd(ScanEndKind Kind, long Position, long BytesAfter, string? Reason)
{
    public bool IsDamage => Kind == ScanEndKind.TornTail;

    public static ScanEnd EndOfFile(long position) => new(ScanEndKind.EndOfFile, position, 0, null);

    public static ScanEnd PreallocatedSpace(long position, long bytesAfter) => new(ScanEndKind.PreallocatedSpace, position, bytesAfter, null);

    public static ScanEnd TornTail(long position, long bytesAfter, string reason) => new(ScanEndKind.TornTail, position, bytesAfter, reason);
}

internal enum ScanEndKind
{
    EndOfFile,
    PreallocatedSpace,
    TornTail,
}
