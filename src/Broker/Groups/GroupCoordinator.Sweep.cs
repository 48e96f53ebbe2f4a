namespace LogBroker.Broker.Groups;

/// <summary>
/// The coordinator's sweeper: every <see cref="GroupCoordinatorOptions.SweepInterval"/> it visits each
/// group under its gate, removes members whose session ran out or who did not revoke within their
/// rebalance timeout, and recomputes targets after topic metadata changed. One group's failure is
/// logged and the others are swept as usual.
/// </summary>
public sealed partial class GroupCoordinator
{
    private async Task SweepAsync()
    {
        using var timer = new PeriodicTimer(options.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                var metadataChanged = Interlocked.Exchange(ref _metadataChanged, 0) == 1;
                foreach (var group in store.Groups)
                {
                    await group.Gate.WaitAsync(_stopping.Token);
                    try
                    {
                        Sweep(group, metadataChanged);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
                    {
                        // One group's failure must not stop the sweeper: other groups' silent members
                        // would never be evicted, and their partitions never move.
                        logger.LogError(e, "Sweeping group {Group} failed; the other groups are swept as usual", group.GroupId);
                    }
                    finally
                    {
                        group.Gate.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sweep(ConsumerGroup group, bool metadataChanged)
    {
        var now = Now;
        foreach (var member in group.Members.Values.ToList())
        {
            if (!member.IsAlive(now) && member.AwayUntilMs is null && member.ReplacementRefusedAtMs is { } refused && now - refused < (long)member.SessionTimeout.TotalMilliseconds)
            {
                // A static member that crashed while its restart is knocking: keep its partitions for
                // the restart, as if it had left for now, rather than moving them to others.
                member.AwayUntilMs = now + (long)member.SessionTimeout.TotalMilliseconds;
                logger.LogInformation("Static member {MemberId} ({InstanceId}) of group {Group} missed its session while a new instance waits to replace it: its partitions wait for the new one", member.MemberId, member.InstanceId, group.GroupId);
            }
            else if (!member.IsAlive(now))
            {
                RemoveMember(group, member, member.AwayUntilMs is null ? "missed its session timeout" : "did not come back in time");
            }
            else if (member.RevocationDeadlineMs is { } deadline && now > deadline)
            {
                RemoveMember(group, member, "did not revoke within its rebalance timeout");
            }
        }

        if (metadataChanged && group.Members.Count > 0)
        {
            Refresh(group);
        }
    }
}
