namespace LogBroker.Storage.Producers;

/// <summary>
/// Sequence number arithmetic as Kafka's producer and broker do it: a sequence is a non-negative int32
/// that wraps from <see cref="int.MaxValue"/> to 0, so a batch may start near the top and end near
/// the bottom.
/// </summary>
internal static class ProducerSequence
{
    /// <summary>The sequence <paramref name="delta"/> after <paramref name="sequence"/>, wrapping past <see cref="int.MaxValue"/> to 0.</summary>
    public static int Increment(int sequence, int delta) =>
        sequence > int.MaxValue - delta ? delta - (int.MaxValue - sequence) - 1 : sequence + delta;

    /// <summary>The sequence <paramref name="delta"/> before <paramref name="sequence"/>, wrapping below 0 to <see cref="int.MaxValue"/>.</summary>
    public static int Decrement(int sequence, int delta) =>
        sequence - delta < 0 ? int.MaxValue - (delta - sequence) + 1 : sequence - delta;

    /// <summary>Whether <paramref name="next"/> directly follows <paramref name="last"/> (0 follows <see cref="int.MaxValue"/>).</summary>
    public static bool InSequence(int last, int next) =>
        next == last + 1L || (next == 0 && last == int.MaxValue);
}
