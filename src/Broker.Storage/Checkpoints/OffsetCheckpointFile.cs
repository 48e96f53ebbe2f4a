using System.Globalization;
using System.Text;
using LogBroker.Protocol;

namespace LogBroker.Storage.Checkpoints;

/// <summary>
/// A per-partition offset checkpoint in Kafka's text format: a version line (0), a count line, then
/// one "topic partition offset" line per partition. Used for recovery points and log start offsets.
/// </summary>
public static class OffsetCheckpointFile
{
    private const int Version = 0;

    public static void Write(string path, IEnumerable<KeyValuePair<TopicPartition, long>> offsets)
    {
        var lines = new StringBuilder();
        var count = 0;
        foreach (var (tp, offset) in offsets)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{tp.Topic} {tp.Partition} {offset}\n");
            count++;
        }

        AtomicFile.WriteText(path, string.Create(CultureInfo.InvariantCulture, $"{Version}\n{count}\n{lines}"));
    }

    /// <summary>The offsets in the file; empty when it does not exist. Throws <see cref="InvalidDataException"/> if malformed.</summary>
    public static Dictionary<TopicPartition, long> Read(string path)
    {
        var result = new Dictionary<TopicPartition, long>();
        if (!File.Exists(path))
        {
            return result;
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0] != "0" || !int.TryParse(lines[1], CultureInfo.InvariantCulture, out var count) || count != lines.Length - 2)
        {
            throw new InvalidDataException($"checkpoint file {path} is malformed: expected version 0 and a matching entry count");
        }

        for (var i = 2; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            if (parts.Length != 3
                || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var offset))
            {
                throw new InvalidDataException($"checkpoint file {path} line {i + 1} is malformed: '{lines[i]}'");
            }

            result[new TopicPartition(parts[0], partition)] = offset;
        }

        return result;
    }
}
