using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// The name of one campaign run, <c>flab</c> and four hex digits, which prefixes everything it makes on
/// the machine (namespaces <c>flab3a9c-node1</c>, links <c>flab3a9c-br</c> and <c>flab3a9c-v1h</c>, the
/// run directory <c>$TMPDIR/faultlab/flab3a9c</c> and the tmpfs mounts in it), so several runs (and
/// other agents' tests) can share a machine and <c>faultlab cleanup</c> can tell a crashed run's
/// leftovers from everything else. Interface names stay within Linux's 15 characters.
/// </summary>
public sealed partial record RunIdentity
{
    public const string Prefix = "flab";

    private RunIdentity(string id) => Id = id;

    public string Id { get; }

    /// <summary>Where runs keep their owner file and mount their data filesystems.</summary>
    public static string RunsRoot => Path.Combine(Path.GetTempPath(), "faultlab");

    public string RunDirectory => Path.Combine(RunsRoot, Id);

    public string Bridge => $"{Id}-br";

    public static RunIdentity New() => new(Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2)));

    public static RunIdentity Parse(string id) =>
        TryFromName(id, out var run) && run.Id == id ? run : throw new ArgumentException($"'{id}' is not a faultlab run id (flab and four hex digits)");

    /// <summary>The run a name belongs to, when it starts with a run id (<c>flab3a9c-node1</c> → <c>flab3a9c</c>).</summary>
    public static bool TryFromName(string name, out RunIdentity run)
    {
        var match = NamePattern().Match(name);
        run = match.Success ? new RunIdentity(match.Groups[1].Value) : null!;
        return match.Success;
    }

    public string Namespace(int node) => $"{Id}-node{node}";

    /// <summary>The root-namespace end of a node's veth pair, enslaved to the bridge.</summary>
    public string HostVeth(int node) => $"{Id}-v{node}h";

    /// <summary>The end moved into the node's namespace, holding its address.</summary>
    public string NodeVeth(int node) => $"{Id}-v{node}n";

    /// <summary>The tmpfs "device" name of a node's data filesystem, as /proc/mounts shows it.</summary>
    public string VolumeSource(int node) => $"{Id}-disk{node}";

    public string VolumeMountPoint(int node) => Path.Combine(RunDirectory, $"node{node}");

    public override string ToString() => Id;

    [GeneratedRegex("^(flab[0-9a-f]{4})(?:-|$)")]
    private static partial Regex NamePattern();
}
