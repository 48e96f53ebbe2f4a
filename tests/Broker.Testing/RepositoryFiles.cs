namespace LogBroker.Testing;

/// <summary>Files of this repository found from the test binaries: the root, and other projects' build output.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding LogBroker.sln, above the running test binaries.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LogBroker.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// <paramref name="assembly"/> as built from <paramref name="projectDirectory"/> (relative to the root)
    /// in the configuration the tests were built in (.../bin/{Configuration}/net10.0/).
    /// </summary>
    public static string BuiltDll(string projectDirectory, string assembly)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(Root, projectDirectory, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {projectDirectory} first ({configuration})", dll);
    }
}
