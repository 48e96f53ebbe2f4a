namespace LogBroker.Lbctl.DumpLog;

/// <summary>Receives a segment dump as it is read, one batch at a time, so memory does not grow with the file.</summary>
internal interface IDumpWriter
{
    void Begin(string path, long? segmentBaseOffset, long fileSize);

    void Batch(ScannedBatch batch);

    void End(ScanEnd end, DumpSummary summary);
}
