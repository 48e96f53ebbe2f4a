using Grpc.Core;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using Microsoft.Extensions.Logging;

namespace LogBroker.Client.Consuming;

/// <summary>
/// The client half of group membership: heartbeats to the coordinator (long polls, answered as soon
/// as this member's assignment changes) carrying the subscription and the partitions the consumer
/// owns. When the assignment changes it posts a <see cref="GroupChange"/> for the consuming thread,
/// keeps the session alive while that is applied, then reports the new ownership at once, which is
/// what lets the coordinator hand revoked partitions to their next owner. Fenced: everything owned is
/// lost and the member rejoins.
/// </summary>
internal sealed class GroupMembership : IAsyncDisposable
{
    private readonly string _groupId;
    private readonly ConsumerOptions _options;
    private readonly CoordinatorLocator _coordinators;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<TopicPartition> _owned = [];
    private IReadOnlyList<string> _topics = [];
    private string? _regex;
    private GroupChange? _pending;
    private TaskCompletionSource _posted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _memberId = Guid.NewGuid().ToString("N");
    private int _epoch;
    private int _intervalMs = 3000;
    private int _refusedJoins;
    private Task _loop = Task.CompletedTask;
    private CancellationTokenSource _interrupt = new();

    public GroupMembership(string groupId, ConsumerOptions options, CoordinatorLocator coordinators, ILogger logger)
    {
        _groupId = groupId;
        _options = options;
        _coordinators = coordinators;
        _logger = logger;
    }

    public bool IsActive { get; private set; }

    /// <summary>An error retrying cannot fix (e.g. an invalid subscription); the consumer throws it.</summary>
    public LogBrokerException? Fatal { get; private set; }

    public (string MemberId, int Epoch) Member
    {
        get
        {
            lock (_lock)
            {
                return (_memberId, _epoch);
            }
        }
    }

    /// <summary>Completes when a change is waiting for the consuming thread (or a fatal error).</summary>
    public Task Posted
    {
        get
        {
            lock (_lock)
            {
                return _posted.Task;
            }
        }
    }

    public void Subscribe(IReadOnlyList<string> topics, string? regex)
    {
        CancellationTokenSource interrupted;
        lock (_lock)
        {
            _topics = topics;
            _regex = regex;
            interrupted = _interrupt;
            _interrupt = new CancellationTokenSource();
        }

        if (!IsActive)
        {
            IsActive = true;
            _loop = Task.Run(RunAsync);
        }

        // A parked heartbeat would carry the old subscription for up to an interval: cut it short.
        interrupted.Cancel();
        interrupted.Dispose();
    }

    /// <summary>The change waiting to be applied, if any (the consuming thread applies it, then marks it applied).</summary>
    public GroupChange? Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending;
            }
        }
    }

    /// <summary>Leaves the group (temporarily for a static member, so a restart keeps its partitions) and stops heartbeating.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!IsActive)
        {
            _stopping.Dispose();
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            var (memberId, _) = Member;
            var leave = BuildRequest(_options.GroupInstanceId is null ? -1 : -2, memberId, maxWaitMs: 0);
            leave.OwnedPartitions.Clear();
            var address = await _coordinators.AddressAsync(_groupId, CancellationToken.None);
            await _coordinators.Client(address).HeartbeatAsync(leave, deadline: DateTime.UtcNow + _options.RequestTimeout);
        }
        catch (Exception e) when (e is RpcException or LogBrokerException)
        {
            _logger.LogDebug("Leaving group {Group} failed ({Error}); the session timeout will remove the member", _groupId, e.Message);
        }

        _stopping.Dispose();
        _interrupt.Dispose();
    }

    /// <summary>Stops heartbeating without leaving (see <see cref="Consumer.Abandon"/>).</summary>
    public void Abandon() => _stopping.Cancel();

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        var attempt = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var pending = Pending;
                var (memberId, epoch) = Member;
                var maxWait = pending is not null || epoch == 0 ? 0 : _intervalMs;
                var request = BuildRequest(epoch, memberId, maxWait);
                var address = await _coordinators.AddressAsync(_groupId, token);
                CancellationToken interrupt;
                lock (_lock)
                {
                    interrupt = _interrupt.Token;
                }

                using var call = CancellationTokenSource.CreateLinkedTokenSource(token, interrupt);
                GroupHeartbeatResponse response;
                try
                {
                    response = await _coordinators.Client(address).HeartbeatAsync(request, deadline: DateTime.UtcNow + TimeSpan.FromMilliseconds(maxWait) + _options.RequestTimeout, cancellationToken: call.Token);
                }
                catch (RpcException) when (interrupt.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    continue; // the subscription changed: send it now
                }

                if (response.ErrorCode != 0)
                {
                    await OnErrorAsync((ErrorCode)response.ErrorCode, response.ErrorMessage, token);
                    continue;
                }

                attempt = 0;
                _refusedJoins = 0;
                lock (_lock)
                {
                    _epoch = response.MemberEpoch;
                    _intervalMs = Math.Max(100, response.HeartbeatIntervalMs);
                }

                var target = response.Assignment.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))).ToHashSet();
                pending ??= PostIfChanged(target, lost: false);
                if (pending is not null)
                {
                    await WaitAppliedAsync(pending, token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or LogBrokerException or HttpRequestException)
            {
                _coordinators.Forget(_groupId);
                _logger.LogDebug("Heartbeat for group {Group} failed: {Error}", _groupId, e.Message);
                await Task.Delay(Backoff(++attempt), token);
            }
        }
    }

    private async Task OnErrorAsync(ErrorCode error, string message, CancellationToken token)
    {
        switch (error)
        {
            case ErrorCode.FencedMemberEpoch or ErrorCode.UnknownMemberId:
                _logger.LogWarning("Member {MemberId} of group {Group} was fenced ({Error}); its partitions are lost and it rejoins", Member.MemberId, _groupId, message);
                var lost = PostIfChanged([], lost: true);
                if (lost is not null)
                {
                    await WaitAppliedAsync(lost, token);
                }

                lock (_lock)
                {
                    _epoch = 0;
                }

                return;
            case ErrorCode.UnreleasedInstanceId:
                // A previous run of this instance that did not leave (it crashed) still holds the
                // instance id until its session ends; the coordinator keeps its partitions for us.
                if (_refusedJoins++ == 0)
                {
                    _logger.LogInformation("Group {Group}: instance id {InstanceId} is still held by an earlier member ({Error}); retrying until its session ends", _groupId, _options.GroupInstanceId, message);
                }

                await Task.Delay(Backoff(_refusedJoins), token);
                return;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                _coordinators.Forget(_groupId);
                await Task.Delay(_options.RetryBackoff, token);
                return;
            default:
                Fatal = new LogBrokerException(error, $"group '{_groupId}': {message}");
                lock (_lock)
                {
                    _posted.TrySetResult();
                }

                await _stopping.CancelAsync();
                return;
        }
    }

    /// <summary>Posts the difference between what is owned and <paramref name="target"/>, unless there is none.</summary>
    private GroupChange? PostIfChanged(HashSet<TopicPartition> target, bool lost)
    {
        lock (_lock)
        {
            var revoke = _owned.Where(p => !target.Contains(p)).ToList();
            var assign = target.Where(p => !_owned.Contains(p)).ToList();
            if (revoke.Count == 0 && assign.Count == 0)
            {
                return null;
            }

            _pending = new GroupChange(revoke, assign, lost);
            var posted = _posted;
            _posted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            posted.TrySetResult();
            return _pending;
        }
    }

    /// <summary>
    /// Keeps heartbeating (answered at once) until the consuming thread has applied the change, then
    /// records the new ownership so the next heartbeat reports it.
    /// </summary>
    private async Task WaitAppliedAsync(GroupChange change, CancellationToken token)
    {
        var interval = TimeSpan.FromMilliseconds(_intervalMs);
        if (await Task.WhenAny(change.Applied, Task.Delay(interval, token)) != change.Applied)
        {
            return; // not applied yet: heartbeat again to stay alive, still showing the old ownership
        }

        lock (_lock)
        {
            _owned.ExceptWith(change.Revoke);
            _owned.UnionWith(change.Assign);
            _pending = null;
        }
    }

    private GroupHeartbeatRequest BuildRequest(int epoch, string memberId, int maxWaitMs)
    {
        var request = new GroupHeartbeatRequest
        {
            GroupId = _groupId,
            MemberId = memberId,
            MemberEpoch = epoch,
            InstanceId = _options.GroupInstanceId ?? string.Empty,
            SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            RebalanceTimeoutMs = (int)_options.RebalanceTimeout.TotalMilliseconds,
            MaxWaitMs = maxWaitMs,
        };
        lock (_lock)
        {
            request.SubscribedTopics.AddRange(_topics);
            request.SubscribedTopicRegex = _regex ?? string.Empty;
            request.OwnedPartitions.AddRange(_owned.GroupBy(p => p.Topic).Select(g =>
            {
                var wire = new TopicPartitions { Topic = g.Key };
                wire.Partitions.AddRange(g.Select(p => p.Partition));
                return wire;
            }));
        }

        return request;
    }

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(_options.RetryBackoffMax.Ticks, _options.RetryBackoff.Ticks << Math.Min(attempt, 20)));
}
