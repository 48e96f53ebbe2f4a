namespace LogBroker.Client.Producing;

/// <summary>Who to tell about one record of a batch: an awaiting caller, a callback, or both; and the record's timestamp.</summary>
internal readonly record struct Completion(DeliveryPromise? Promise, Action<DeliveryReport>? Callback, long Timestamp);
