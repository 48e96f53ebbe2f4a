using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Kafka.ClassicGroups;

/// <summary>
/// The classic coordinator's deadlines: rebalances that waited long enough complete without the
/// members that did not rejoin; a leader that never sent its assignment starts the rebalance again;
/// members whose session ran out are removed; pending member ids expire.
/// </summary>
public sealed partial class ClassicGroupCoordinator
{
    private async Task SweepAsync()
    {
        using var timer = new PeriodicTimer(options.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                foreach (var group in _groups.Values)
                {
                    try
                    {
                        lock (group.Lock)
                        {
                            Sweep(group, Now);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogError(e, "Sweeping classic group {Group} failed; the others are swept as usual", group.GroupId);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sweep(ClassicGroup group, long now)
    {
        group.ExpirePendingMembers(now);
        foreach (var member in group.Members.Values.ToList())
        {
            if (!member.IsAlive(now))
            {
                logger.LogInformation("Member {MemberId} of classic group {Group} missed its session timeout", member.MemberId, group.GroupId);
                group.Remove(member, ErrorCode.UnknownMemberId, now, InitialDelayMs);
            }
        }

        switch (group.State)
        {
            case ClassicGroupState.PreparingRebalance when !group.TryCompleteJoin(now) && now >= group.RebalanceDeadlineMs && now >= group.InitialDelayUntilMs:
                group.CompleteJoinAtDeadline(now);
                break;
            case ClassicGroupState.CompletingRebalance when now >= group.SyncDeadlineMs:
                logger.LogInformation("Leader of classic group {Group} sent no assignment in time: rebalancing again", group.GroupId);
                group.PrepareRebalance(now, InitialDelayMs);
                break;
        }

        RemoveIfUnused(group);
    }
}
