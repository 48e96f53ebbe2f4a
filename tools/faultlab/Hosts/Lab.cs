using LogBroker.Faultlab.Cli;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// What a campaign runs on: the network (namespaces if they can be made and were not ruled out, else
/// loopback, said out loud) and one data volume per broker (a tmpfs of its own when mounting is allowed,
/// else a plain directory). Notes say what could not be had and what that turns off. Disposing unmounts
/// the volumes and removes the network; the brokers must have been stopped first.
/// </summary>
public sealed class Lab : IAsyncDisposable
{
    private Lab(ILabNetwork network, IReadOnlyList<DataVolume> volumes, IReadOnlyList<string> notes)
    {
        Network = network;
        Volumes = volumes;
        Notes = notes;
    }

    public ILabNetwork Network { get; }

    public IReadOnlyList<DataVolume> Volumes { get; }

    public IReadOnlyList<string> Notes { get; }

    public bool UsesNamespaces => Network is NamespaceNetwork;

    public bool CanFillDisks => Volumes.All(v => v.CanFill);

    public static async Task<Lab> BuildAsync(RunIdentity run, CampaignSettings settings, TextWriter log)
    {
        var notes = new List<string>();
        var network = await NetworkAsync(run, settings, notes, log);
        var volumes = new List<DataVolume>();
        try
        {
            var canMount = Environment.IsPrivilegedProcess;
            for (var node = 1; node <= settings.Brokers; node++)
            {
                if (canMount)
                {
                    try
                    {
                        volumes.Add(await DataVolume.MountTmpfsAsync(run.VolumeMountPoint(node), run.VolumeSource(node), settings.DiskMib * 1024L * 1024));
                        continue;
                    }
                    catch (LabException e)
                    {
                        canMount = false;
                        notes.Add($"tmpfs cannot be mounted here ({e.Message}): data on the shared disk, disk-full off");
                    }
                }

                volumes.Add(DataVolume.PlainDirectory(run.VolumeMountPoint(node)));
            }

            if (!Environment.IsPrivilegedProcess)
            {
                notes.Add("not root: no data filesystem of its own per broker, so disk-full is off");
            }
        }
        catch
        {
            await DisposeAllAsync(volumes, network);
            throw;
        }

        foreach (var note in notes)
        {
            log.WriteLine($"faultlab: {note}");
        }

        return new Lab(network, volumes, notes);
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(Volumes, Network);

    private static async Task<ILabNetwork> NetworkAsync(RunIdentity run, CampaignSettings settings, List<string> notes, TextWriter log)
    {
        if (settings.Network == NetworkMode.Loopback)
        {
            notes.Add("--network loopback: brokers share 127.0.0.1, the network between them cannot be cut");
            return new LoopbackNetwork(settings.Brokers);
        }

        try
        {
            var network = await NamespaceNetwork.CreateAsync(run, settings.Brokers, log);
            if (!network.CanPartition)
            {
                notes.Add("nftables does not work here (apt-get install -y nftables): network faults off");
            }

            return network;
        }
        catch (LabException e) when (settings.Network == NetworkMode.Auto)
        {
            notes.Add($"network namespaces cannot be made here ({(Environment.IsPrivilegedProcess ? e.Message : "not root")}): process faults only, on loopback");
            return new LoopbackNetwork(settings.Brokers);
        }
    }

    private static async ValueTask DisposeAllAsync(IEnumerable<DataVolume> volumes, ILabNetwork network)
    {
        foreach (var volume in volumes)
        {
            try
            {
                await volume.DisposeAsync();
            }
            catch (LabException)
            {
                // Still mounted after a lazy unmount attempt: faultlab cleanup finds it by its source name.
            }
        }

        await network.DisposeAsync();
    }
}
