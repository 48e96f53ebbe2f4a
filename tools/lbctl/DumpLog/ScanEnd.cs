namespace LogBroker.Lbctl.DumpLog;

/// <summary>
/// Why a segment scan stopped: the file ended after a whole batch; pre-allocated zeros run from
/// <see cref="Position"/> to the end of the file (the broker's active segment is sparse-allocated to its
/// full size); zeros stand where a batch should start but data follows them (a zeroed gap: a lost write
/// or a zeroed block, which is damage); or the bytes at <see cref="Position"/> cannot be a whole batch
/// (a torn write or damaged framing), which is damage.
/// </summary>
internal sealed record ScanEnd(ScanEndKind Kind, long Position, long BytesAfter, string? Reason)
{
    public bool IsDamage => Kind is ScanEndKind.TornTail or ScanEndKind.ZeroedGap;

    public static ScanEnd EndOfFile(long position) => new(ScanEndKind.EndOfFile, position, 0, null);

    public static ScanEnd PreallocatedSpace(long position, long bytesAfter) => new(ScanEndKind.PreallocatedSpace, position, bytesAfter, null);

    public static ScanEnd TornTail(long position, long bytesAfter, string reason) => new(ScanEndKind.TornTail, position, bytesAfter, reason);

    public static ScanEnd ZeroedGap(long position, long bytesAfter, string reason) => new(ScanEndKind.ZeroedGap, position, bytesAfter, reason);
}

internal enum ScanEndKind
{
    EndOfFile,
    PreallocatedSpace,
    TornTail,
    ZeroedGap,
}
