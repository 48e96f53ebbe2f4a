using LogBroker.Storage.Mapping;
using Microsoft.Win32.SafeHandles;

namespace LogBroker.Storage.Segments;

/// <summary>
/// A sparse index file of fixed-size entries, memory-mapped. The active segment's index is
/// pre-allocated to <c>segment.index.bytes</c> and written through the map; sealing trims it to its
/// entries. One writer (the log's append path) adds entries; readers search concurrently, seeing
/// only entries published through <see cref="Entries"/>, which is written after the entry's bytes.
/// </summary>
internal abstract class IndexFile : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly MappedFile _map;
    private int _entries;
    private int _maxEntriesPublished;

    protected IndexFile(string path, long baseOffset, int maxIndexBytes, bool writable, int entrySize)
    {
        FilePath = path;
        BaseOffset = baseOffset;
        EntrySize = entrySize;
        _file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var length = RandomAccess.GetLength(_file);
            _entries = (int)Math.Min(length / entrySize, int.MaxValue);
            if (writable)
            {
                var capacity = Math.Max(maxIndexBytes / entrySize * entrySize, (long)_entries * entrySize);
                RandomAccess.SetLength(_file, capacity);
            }
            else if (length % entrySize != 0)
            {
                RandomAccess.SetLength(_file, (long)_entries * entrySize);
            }

            _map = MappedFile.Map(_file, writable: true);
            MaxEntries = (int)Math.Min(_map.Length / entrySize, int.MaxValue);
            _maxEntriesPublished = _entries;
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public string FilePath { get; private set; }

    public long BaseOffset { get; }

    public int EntrySize { get; }

    /// <summary>Entries readers may search.</summary>
    public int Entries => Volatile.Read(ref _entries);

    public int MaxEntries { get; }

    public bool IsFull => Entries >= MaxEntries;

    public long SizeInBytes => (long)Entries * EntrySize;

    /// <summary>Drops every entry, for a rebuild from the log (at open, before any reader exists).</summary>
    public void Reset()
    {
        Volatile.Write(ref _entries, 0);
        _maxEntriesPublished = 0;
    }

    /// <summary>Keeps only the first <paramref name="count"/> entries.</summary>
    public void TruncateEntries(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _entries);
        Volatile.Write(ref _entries, count);
    }

    /// <summary>
    /// Shrinks the file to its entries so a sealed index takes no more space than it uses. Never below
    /// what was ever published: a reader may still be searching those entries through the map.
    /// </summary>
    public void Trim()
    {
        _map.Flush();
        RandomAccess.SetLength(_file, (long)Math.Max(_entries, _maxEntriesPublished) * EntrySize);
    }

    /// <summary>Trims exactly to the entries: only when no reader can exist (close, recovery).</summary>
    public void TrimExact()
    {
        _map.Flush();
        RandomAccess.SetLength(_file, (long)_entries * EntrySize);
    }

    public void Flush()
    {
        _map.Flush();
        RandomAccess.FlushToDisk(_file);
    }

    public void RenameTo(string path)
    {
        File.Move(FilePath, path, overwrite: true);
        FilePath = path;
    }

    public void Dispose()
    {
        _map.Dispose();
        _file.Dispose();
    }

    protected ReadOnlySpan<byte> EntryAt(int index) => _map.Read((long)index * EntrySize, EntrySize);

    /// <summary>Where the next entry's bytes go; <see cref="PublishEntry"/> makes it visible.</summary>
    protected Span<byte> NextEntrySpan()
    {
        if (_entries >= MaxEntries)
        {
            throw new InvalidOperationException($"index {FilePath} is full ({MaxEntries} entries)");
        }

        return _map.Write((long)_entries * EntrySize, EntrySize);
    }

    /// <summary>At open, once the entries were checked: nothing past them was ever shown to a reader of this process.</summary>
    protected void ForgetUnpublishedTail() => _maxEntriesPublished = _entries;

    protected void PublishEntry()
    {
        var count = _entries + 1;
        Volatile.Write(ref _entries, count);
        if (count > _maxEntriesPublished)
        {
            _maxEntriesPublished = count;
        }
    }

    /// <summary>The searchable key of entry <paramref name="index"/>: keys never decrease along the file.</summary>
    protected abstract long KeyAt(int index);

    /// <summary>Binary search: index of the last entry whose key is at most <paramref name="target"/>, or -1.</summary>
    protected int FloorIndex(long target)
    {
        int low = 0, high = Entries - 1, found = -1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (KeyAt(mid) <= target)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return found;
    }
}
