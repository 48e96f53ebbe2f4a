namespace LogBroker.Lbctl.Tests;

/// <summary>Runs lbctl in this process through <see cref="LbctlApp.RunAsync"/>, with stdin given and stdout and stderr captured.</summary>
public static class Lbctl
{
    public static Task<LbctlRun> RunAsync(params string[] args) => RunAsync(args, stdin: string.Empty);

    public static async Task<LbctlRun> RunAsync(string[] args, string stdin, CancellationToken cancellationToken = default)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LbctlApp.RunAsync(args, input, output, error, cancellationToken);
        return new LbctlRun(exitCode, output.ToString(), error.ToString());
    }
}
