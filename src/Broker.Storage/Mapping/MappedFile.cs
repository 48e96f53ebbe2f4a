using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LogBroker.Storage.Mapping;

/// <summary>
/// A memory map of the first <see cref="Length"/> bytes of a file, handed out as spans and as
/// <see cref="ReadOnlyMemory{T}"/> without copying. The only type in the storage engine that touches
/// pointers: it acquires the view's pointer once, and every span it hands out is bounds-checked against
/// <see cref="Length"/>. Safety rests on the owner's promise to unmap (<see cref="Dispose"/>) only once no
/// span or memory from it is in use; segments keep that promise with a reference count on readers.
/// Files must never be shrunk below a region a reader may still touch (a touch past end of file faults).
/// </summary>
internal sealed unsafe partial class MappedFile : IDisposable
{
    private const int MadviseDontNeed = 4;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;
    private readonly Manager? _manager;
    private int _disposed;

    private MappedFile(MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer, long length)
    {
        _map = map;
        _view = view;
        _pointer = pointer;
        Length = length;
        _manager = length > 0 ? new Manager(pointer, (int)Math.Min(length, int.MaxValue)) : null;
    }

    /// <summary>Mapped bytes; at most <see cref="int.MaxValue"/> are reachable as memory.</summary>
    public long Length { get; }

    /// <summary>
    /// Maps the whole file as it is now (its length must already be what the map should cover).
    /// A zero-length file gets an empty map, since the OS cannot map nothing.
    /// </summary>
    public static MappedFile Map(SafeFileHandle file, bool writable)
    {
        var length = RandomAccess.GetLength(file);
        if (length == 0)
        {
            return new MappedFile(null, null, null, 0);
        }

        var access = writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;
        var map = MemoryMappedFile.CreateFromFile(file, mapName: null, capacity: 0, access, HandleInheritability.None, leaveOpen: true);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, length, access);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFile(map, view, pointer + view.PointerOffset, length);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    public ReadOnlySpan<byte> Read(long offset, int length) => Slice(offset, length);

    /// <summary>Writable bytes; only for maps made with <c>writable: true</c> (the indexes).</summary>
    public Span<byte> Write(long offset, int length) => Slice(offset, length);

    /// <summary>Memory over the map, valid while the map is: callers hold the owner's lease.</summary>
    public ReadOnlyMemory<byte> Memory(long offset, int length)
    {
        CheckRange(offset, length);
        return length == 0 ? ReadOnlyMemory<byte>.Empty : _manager!.Memory.Slice((int)offset, length);
    }

    /// <summary>
    /// Drops this process's page-table entries for the map (Linux <c>madvise(MADV_DONTNEED)</c>), so pages
    /// readers touched stop counting as the broker's resident memory. Safe at any time on a shared,
    /// file-backed map: the data stays in the page cache and in the file, and the next access simply
    /// maps it again (a minor fault). A no-op elsewhere.
    /// </summary>
    public void ReleaseResidentPages()
    {
        if (!OperatingSystem.IsLinux() || Length == 0 || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var pageSize = Environment.SystemPageSize;
        var start = (nuint)_pointer & ~(nuint)(pageSize - 1);
        var length = (nuint)_pointer - start + (nuint)Length;
        _ = Madvise((void*)start, length, MadviseDontNeed); // advisory: a failure only means pages stay resident
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(void* address, nuint length, int advice);

    /// <summary>Writes dirty pages of the map back to the file (msync).</summary>
    public void Flush() => _view?.Flush();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _map?.Dispose();
    }

    private Span<byte> Slice(long offset, int length)
    {
        CheckRange(offset, length);
        return new Span<byte>(_pointer + offset, length);
    }

    private void CheckRange(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Length || offset + length > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + length}) is outside the {Length}-byte map");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }

    /// <summary>Lets the map be sliced as <see cref="Memory{T}"/>: one instance per map, so slices allocate nothing.</summary>
    private sealed class Manager(byte* pointer, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new(pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
