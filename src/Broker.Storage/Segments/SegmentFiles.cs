using System.Globalization;

namespace LogBroker.Storage.Segments;

/// <summary>File names of a segment: its base offset as 20 digits, with one extension per file.</summary>
public static class SegmentFiles
{
    public const string LogExtension = ".log";
    public const string IndexExtension = ".index";
    public const string TimeIndexExtension = ".timeindex";

    /// <summary>Suffix given to files of a segment that has been removed but may still be read.</summary>
    public const string DeletedSuffix = ".deleted";

    /// <summary>Suffix of a file being written by the cleaner, swapped in only when complete.</summary>
    public const string CleanedSuffix = ".cleaned";

    /// <summary>Suffix of a cleaned file that is being swapped in (crash-safe rename protocol).</summary>
    public const string SwapSuffix = ".swap";

    public static string FileName(long baseOffset, string extension) =>
        baseOffset.ToString("D20", CultureInfo.InvariantCulture) + extension;

    public static string PathOf(string directory, long baseOffset, string extension) =>
        Path.Combine(directory, FileName(baseOffset, extension));

    /// <summary>The base offset a segment file is named for, if the name is one.</summary>
    public static bool TryParseBaseOffset(string fileName, string extension, out long baseOffset)
    {
        baseOffset = 0;
        return fileName.Length == 20 + extension.Length
            && fileName.EndsWith(extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }
}
