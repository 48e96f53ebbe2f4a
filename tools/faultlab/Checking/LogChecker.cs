using System.Globalization;
using LogBroker.Client;
using LogBroker.Faultlab.Workload;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// Judges a campaign against the log's promises, per partition, from the acknowledgements, the final
/// replay, what readers saw during the run, the committed group offsets and the stored replicas. Every
/// check is counted and described (<see cref="CheckOutcome"/>); those marked as failing decide the verdict.
/// </summary>
public static class LogChecker
{
    private const int ExamplesKept = 5;

    public static IReadOnlyList<CheckOutcome> Check(CheckInputs inputs) => Check(inputs, out _);

    /// <param name="lost">Acknowledged records not found where they were acknowledged (with whether the contract says they must survive), for the per-fault loss windows.</param>
    public static IReadOnlyList<CheckOutcome> Check(CheckInputs inputs, out IReadOnlyList<(Ack Ack, bool MustSurvive)> lost)
    {
        var outcomes = new List<CheckOutcome>();
        var found = new List<(Ack, bool)>();
        outcomes.AddRange(Lost(inputs, found));
        lost = found;
        outcomes.AddRange(Duplicates(inputs));
        outcomes.Add(FromViolations(inputs, "not-dense", "offsets served out of order or with a gap", Workload.Violations.NotDense));
        outcomes.Add(FromViolations(inputs, "went-back", "a reader was served an offset at or below one it already had (raw readers: within a response; group members: within an assignment)", Workload.Violations.WentBack));
        outcomes.Add(FromViolations(inputs, "epoch-regressions", "a batch served with a lower leader epoch than one before it in the partition", Workload.Violations.EpochRegression));
        outcomes.Add(FromViolations(inputs, "corrupt", "batches served with a bad CRC, framing or compression, or values faultlab did not write", Workload.Violations.Corrupt, Workload.Violations.Foreign));
        outcomes.Add(Diverged(inputs));
        outcomes.Add(BadCommits(inputs));
        outcomes.Add(DirtyReads(inputs));
        outcomes.Add(GroupMissed(inputs));
        outcomes.Add(ReplayMismatch(inputs));
        outcomes.Add(new CheckOutcome("crashed", inputs.Crashes.Count, true, "broker processes that exited without being told to", [.. inputs.Crashes.Take(ExamplesKept).Select(c => Invariant($"node {c.NodeId} exited with {c.ExitCode} at +{c.AtSeconds:F1} s"))]));
        var unrecovered = inputs.Faults.Where(f => f.Problem is not null).ToList();
        outcomes.Add(new CheckOutcome("unrecovered", unrecovered.Count, true, "faults that could not be injected or healed (a broker that did not come back)", [.. unrecovered.Take(ExamplesKept).Select(f => $"#{f.Index} {f.Description}: {f.Problem}")]));
        return outcomes;
    }

    /// <summary>The record an offset of the final log holds, or null.</summary>
    public static RecordId? StoredAt(ReplayedPartition partition, long offset) =>
        offset >= 0 && offset < partition.Records.Count ? partition.Records[(int)offset] : null;

    private static IEnumerable<CheckOutcome> Lost(CheckInputs inputs, List<(Ack, bool)> found)
    {
        var contract = new List<string>();
        var measured = new List<string>();
        foreach (var producer in inputs.Producers)
        {
            var mustSurvive = producer.Spec.Acks == Acks.All || inputs.SingleNode;
            foreach (var ack in producer.Acks)
            {
                var id = new RecordId(producer.Index, ack.Sequence);
                var partition = inputs.Replay[ack.Partition];
                if (StoredAt(partition, ack.Offset) == id)
                {
                    continue;
                }

                found.Add((ack, mustSurvive));
                var examples = mustSurvive ? contract : measured;
                if (examples.Count < ExamplesKept)
                {
                    var there = StoredAt(partition, ack.Offset) is { } other ? $"it holds {other}" : ack.Offset >= partition.EndOffset ? Invariant($"the log ends at {partition.EndOffset}") : "it holds nothing of faultlab's";
                    examples.Add(Invariant($"{id} ({producer.Spec.Name}) acknowledged at +{ack.AckMicros / 1e6:F3} s at partition {ack.Partition} offset {ack.Offset}: {there}"));
                }
            }
        }

        var mustCount = found.Count(l => l.Item2);
        yield return new CheckOutcome("lost", mustCount, true, inputs.SingleNode
            ? "acknowledged records (acks=all and acks=leader: one broker keeps both across kill -9) not at the offset they were acknowledged with"
            : "acks=all records not at the offset they were acknowledged with", contract);
        yield return new CheckOutcome("leader-loss", found.Count - mustCount, false, inputs.SingleNode
            ? "acks=leader records lost where the contract allows it (none with one broker: counted under lost)"
            : "acks=leader records lost in the documented window (a leader that failed before its followers had them): measured, not failed", measured);
    }

    private static IEnumerable<CheckOutcome> Duplicates(CheckInputs inputs)
    {
        var copies = inputs.Producers.Select(p => new int[p.Sent]).ToArray();
        foreach (var partition in inputs.Replay)
        {
            foreach (var record in partition.Records)
            {
                if (record is { } id && id.Producer < copies.Length && id.Sequence < copies[id.Producer].Length)
                {
                    copies[id.Producer][id.Sequence]++;
                }
            }
        }

        var idempotent = new List<string>();
        var retried = new List<string>();
        long idempotentCount = 0;
        long retriedCount = 0;
        foreach (var producer in inputs.Producers)
        {
            var counts = copies[producer.Index];
            for (var sequence = 0; sequence < counts.Length; sequence++)
            {
                if (counts[sequence] <= 1)
                {
                    continue;
                }

                var extra = counts[sequence] - 1;
                var examples = producer.Spec.Idempotent ? idempotent : retried;
                if (producer.Spec.Idempotent)
                {
                    idempotentCount += extra;
                }
                else
                {
                    retriedCount += extra;
                }

                if (examples.Count < ExamplesKept)
                {
                    examples.Add(Invariant($"{new RecordId(producer.Index, sequence)} ({producer.Spec.Name}) is stored {counts[sequence]} times"));
                }
            }
        }

        yield return new CheckOutcome("duplicated", idempotentCount, true, "records of idempotent producers stored more than once", idempotent);
        yield return new CheckOutcome("dup-not-idempotent", retriedCount, false, "extra copies of records from producers that are not idempotent (a retried batch whose first attempt was stored): measured, not failed", retried);
    }

    private static CheckOutcome FromViolations(CheckInputs inputs, string name, string meaning, params string[] kinds) =>
        new(name, kinds.Sum(inputs.Violations.Count), true, meaning, [.. kinds.SelectMany(inputs.Violations.Examples).Take(ExamplesKept)]);

    private static CheckOutcome Diverged(CheckInputs inputs)
    {
        var differing = inputs.Replicas.Where(r => r.Difference is not null).ToList();
        return new CheckOutcome("diverged", differing.Count, true, "in-sync replicas whose stored log below the high watermark is not byte-identical to what was served (one broker: stored against served)", [.. differing.Take(ExamplesKept).Select(r => r.Difference!)]);
    }

    private static CheckOutcome BadCommits(CheckInputs inputs)
    {
        var bad = new List<string>();
        if (inputs.CommittedOffsetsProblem is { } problem)
        {
            bad.Add("the committed offsets could not be read: " + problem);
        }

        foreach (var (partition, offset) in inputs.CommittedOffsets.OrderBy(c => c.Key))
        {
            var end = partition < inputs.Replay.Count ? inputs.Replay[partition].EndOffset : -1;
            if (offset < 0 || offset > end)
            {
                bad.Add(Invariant($"partition {partition}: committed offset {offset} is outside the log [0, {end}]"));
            }
        }

        return new CheckOutcome("bad-commits", bad.Count, true, "committed group offsets that do not point into the log (0 to its end)", [.. bad.Take(ExamplesKept)]);
    }

    private static CheckOutcome DirtyReads(CheckInputs inputs)
    {
        var examples = new List<string>(inputs.Violations.Examples(Workload.Violations.Truncated));
        var count = inputs.Violations.Count(Workload.Violations.Truncated);
        foreach (var (reader, seen) in new[] { ("group", inputs.GroupSeen), ("tail reader", inputs.TailSeen) })
        {
            for (var p = 0; p < Math.Min(seen.Partitions, inputs.Replay.Count); p++)
            {
                var partition = inputs.Replay[p];
                count += seen.Conflicts(p);
                foreach (var (offset, id) in seen.Seen(p))
                {
                    if (partition.Incomplete is not null && offset >= partition.Records.Count)
                    {
                        continue;
                    }

                    if (StoredAt(partition, offset) != id)
                    {
                        count++;
                        if (examples.Count < ExamplesKept)
                        {
                            examples.Add(Invariant($"the {reader} read {id} at partition {p} offset {offset}; the final log has {StoredAt(partition, offset)?.ToString() ?? (offset >= partition.EndOffset ? "no such offset" : "something else")}"));
                        }
                    }
                }
            }
        }

        return new CheckOutcome("dirty-reads", count, true, "records readers were served that the final log does not hold at that offset (read, then lost or replaced)", [.. examples.Take(ExamplesKept)]);
    }

    private static CheckOutcome GroupMissed(CheckInputs inputs)
    {
        long count = 0;
        var examples = new List<string>();
        if (inputs.GroupMembers == 0)
        {
            return new CheckOutcome("group-missed", 0, true, "no consumer group ran (--consumers 0): not checked", examples);
        }

        foreach (var producer in inputs.Producers)
        {
            foreach (var ack in producer.Acks)
            {
                var id = new RecordId(producer.Index, ack.Sequence);
                if (StoredAt(inputs.Replay[ack.Partition], ack.Offset) == id && inputs.GroupSeen.At(ack.Partition, ack.Offset) != id)
                {
                    count++;
                    if (examples.Count < ExamplesKept)
                    {
                        examples.Add(Invariant($"{id} at partition {ack.Partition} offset {ack.Offset} was never handed to a group member"));
                    }
                }
            }
        }

        return new CheckOutcome("group-missed", count, true, "acknowledged, stored records no member of the committing group was ever handed (at least once delivery)", examples);
    }

    private static CheckOutcome ReplayMismatch(CheckInputs inputs)
    {
        var examples = inputs.Replay.Where(p => p.Incomplete is not null).Select(p => Invariant($"raw replay of partition {p.Partition}: {p.Incomplete}")).ToList();
        if (inputs.ClientReplay.Incomplete is { } incomplete)
        {
            examples.Add("client replay: " + incomplete);
        }

        var count = examples.Count + inputs.ClientReplay.Disagreements;
        examples.AddRange(inputs.ClientReplay.Examples);
        return new CheckOutcome("replay-mismatch", count, true, "the final replays could not read everything, or the client replay disagrees with the raw one", [.. examples.Take(ExamplesKept)]);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
