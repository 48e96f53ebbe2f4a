namespace LogBroker.Faultlab.Cluster;

/// <summary>Finds the broker to run when none is named: src/Broker's build in the repository faultlab itself was built in, Release first.</summary>
public static class BrokerLocator
{
    public const string AssemblyFile = "LogBroker.Broker.dll";

    private static readonly string[] Configurations = ["Release", "Debug"];

    /// <summary>The broker's dll, or null with the path that was looked for in <paramref name="lookedFor"/>.</summary>
    public static string? Find(out string lookedFor)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LogBroker.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            lookedFor = $"a LogBroker.sln above {AppContext.BaseDirectory}";
            return null;
        }

        var candidates = Configurations.Select(c => Path.Combine(dir.FullName, "src", "Broker", "bin", c, "net10.0", AssemblyFile)).ToList();
        lookedFor = candidates[0];
        return candidates.FirstOrDefault(File.Exists);
    }
}
