namespace LogBroker.Lbctl.DumpLog;

/// <summary>Totals over a dumped segment: what was read, and how much of it was damaged.</summary>
internal sealed class DumpSummary
{
    public int Batches { get; private set; }

    public long Records { get; private set; }

    public int DamagedBatches { get; private set; }

    public long? FirstOffset { get; private set; }

    public long? LastOffset { get; private set; }

    public void Add(ScannedBatch batch)
    {
        Batches++;
        Records += Math.Max(0, batch.RecordsCount);
        if (batch.IsDamaged)
        {
            DamagedBatches++;
        }

        FirstOffset ??= batch.BaseOffset;
        LastOffset = batch.LastOffset;
    }
}
