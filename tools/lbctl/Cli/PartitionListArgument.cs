using System.Globalization;

namespace LogBroker.Lbctl.Cli;

/// <summary>Partition numbers on the command line as a comma-separated list: "0,1,4".</summary>
internal static class PartitionListArgument
{
    /// <summary>The distinct partitions in the order given; throws <see cref="UsageException"/> for anything but non-negative integers.</summary>
    public static IReadOnlyList<int> Parse(string text, string optionName)
    {
        var partitions = new List<int>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
            {
                throw new UsageException($"{optionName} '{text}' is not a comma-separated list of partition numbers (e.g. 0,1,2)");
            }

            if (!partitions.Contains(partition))
            {
                partitions.Add(partition);
            }
        }

        return partitions;
    }
}
