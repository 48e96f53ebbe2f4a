namespace LogBroker.Storage.Log;

/// <summary>Who is appending, which decides whether the log assigns offsets or keeps the batch's own.</summary>
public enum AppendOrigin
{
    /// <summary>A producer's batches: validated strictly; the log stamps offsets, leader epoch and, if configured, append time.</summary>
    Client,

    /// <summary>A leader's batches copied by a follower: offsets and epochs are kept as they are.</summary>
    Replication,
}
