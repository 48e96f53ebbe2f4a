using HdrHistogram;

namespace LogBroker.Loadgen.Metrics;

/// <summary>
/// One worker's writer into a <see cref="LatencyMetric"/>: an HdrHistogram <see cref="Recorder"/>, so
/// recording is wait-free and allocation-free from any thread while the reporter takes interval
/// snapshots. Values are microseconds, clamped into the trackable range.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly Recorder _recorder;

    internal LatencyRecorder(Recorder recorder) => _recorder = recorder;

    internal Recorder Recorder => _recorder;

    public void Record(long micros) => _recorder.RecordValue(Math.Clamp(micros, 0, LatencyMetric.HighestTrackableMicros));
}
