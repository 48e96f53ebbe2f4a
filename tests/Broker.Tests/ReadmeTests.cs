using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>The README's client example is the code in <see cref="ReadmeExample"/>, and it works as written, twice.</summary>
public class ReadmeTests
{
    [Fact]
    public void The_readme_client_example_is_the_code_the_tests_run()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var block = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        var source = File.ReadAllText(Path.Combine(root, "tests", "Broker.Tests", "ReadmeExample.cs"));
        var body = source[(source.IndexOf("// README:begin", StringComparison.Ordinal) + "// README:begin".Length)..source.IndexOf("// README:end", StringComparison.Ordinal)];

        var fromReadme = Lines(block).Where(l => !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("const string Broker", StringComparison.Ordinal));
        Assert.Equal(fromReadme, Lines(body));
        Assert.Contains("const string Broker = \"http://127.0.0.1:9400\";", block, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_readme_client_example_runs_against_a_broker_and_runs_again()
    {
        await using var broker = await BrokerHost.StartAsync();

        await ReadmeExample.RunAsync(broker.Address).WaitAsync(TimeSpan.FromMinutes(2));
        await ReadmeExample.RunAsync(broker.Address).WaitAsync(TimeSpan.FromMinutes(2)); // the topic exists and the group resumes

        await using var admin = broker.Admin();
        var topic = (await admin.DescribeTopicsAsync(["orders"]))[0];
        Assert.Equal(20, topic.Partitions.Sum(p => p.HighWatermark));
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    private static string RepositoryRoot() => Testing.RepositoryFiles.Root;
}
