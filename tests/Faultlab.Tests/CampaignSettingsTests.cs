using System.CommandLine;
using LogBroker.Faultlab.Cli;
using LogBroker.Faultlab.Nemesis;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class CampaignSettingsTests
{
    [Fact]
    public void The_replay_command_parses_back_into_the_same_settings()
    {
        var original = new CampaignSettings
        {
            Seed = 31337,
            Brokers = 3,
            Duration = TimeSpan.FromSeconds(120.5),
            Warmup = TimeSpan.FromSeconds(4),
            Quiet = TimeSpan.FromSeconds(12),
            AllowOverlap = true,
            Partitions = 6,
            RecordsPerSecond = 450.5,
            RecordSize = 64,
            Consumers = 3,
            DiskMib = 128,
            Network = NetworkMode.Namespaces,
            Faults = [FaultKind.Kill, FaultKind.Bridge],
        };

        var replay = original.ReplayCommand(original.Faults);
        var (exit, parsed, errors) = Run(replay.Split(' ').Skip(2).ToArray());

        Assert.True(exit == 0, $"{replay}: {errors}");
        Assert.Equal(original.Faults, parsed!.Faults);
        Assert.Equal(original with { Faults = null }, parsed with { Faults = null });
    }

    [Theory]
    [InlineData("--brokers 6", "--brokers must be from 1 to 5")]
    [InlineData("--duration 10 --warmup 5 --quiet 5", "--duration must be longer")]
    [InlineData("--faults bridge --brokers 2", "bridge needs at least 3 brokers")]
    [InlineData("--rate 5000 --duration 3600 --disk-mib 64", "raise --disk-mib")]
    [InlineData("--faults kill,meteor", "'meteor' is not a fault")]
    public void Settings_that_cannot_work_are_refused_with_a_reason_before_anything_runs(string args, string reason)
    {
        var (exit, parsed, errors) = Run(args.Split(' '));

        Assert.NotEqual(0, exit);
        Assert.Null(parsed);
        Assert.Contains(reason, errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Faults_none_is_a_workload_without_faults_and_no_faults_option_means_all_the_lab_can_do()
    {
        Assert.Empty(Run(["--faults", "none"]).Settings!.Faults!);
        Assert.Null(Run([]).Settings!.Faults);
    }

    [Theory]
    [InlineData("run", "--bogus")]
    [InlineData("run", "--brokers", "0")]
    [InlineData("explode")]
    public async Task A_command_line_that_cannot_run_exits_2_not_1_which_is_a_failed_campaign(params string[] args)
    {
        var errors = new StringWriter();

        var exit = await FaultlabApp.RunAsync(args, TextWriter.Null, errors, CancellationToken.None);

        Assert.Equal(FaultlabApp.CouldNotRun, exit);
        Assert.StartsWith("faultlab: ", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_random_seed_is_chosen_when_none_is_given()
    {
        var seeds = Enumerable.Range(0, 5).Select(_ => Run([]).Settings!.Seed).Distinct().Count();

        Assert.True(seeds > 1);
    }

    /// <summary>Parses <c>faultlab run ARGS</c>: the exit code, the settings handed to the run action (null when refused), and what went to stderr.</summary>
    private static (int ExitCode, CampaignSettings? Settings, string Errors) Run(string[] args)
    {
        CampaignSettings? parsed = null;
        var errors = new StringWriter();
        var root = new FaultlabCommands().Build(
            (settings, _) =>
            {
                parsed = settings;
                return Task.FromResult(0);
            },
            (_, _) => Task.FromResult(0),
            (_, _, _) => Task.FromResult(0),
            errors);
        var exit = root.Parse(["run", .. args]).Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = errors });
        return (exit, parsed, errors.ToString());
    }
}
