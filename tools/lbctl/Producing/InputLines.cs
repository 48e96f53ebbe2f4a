namespace LogBroker.Lbctl.Producing;

/// <summary>
/// Reads produce's input a line at a time so that Ctrl-C interrupts the wait for the next line. Console.In
/// is a synchronized reader whose async reads block the caller until a line or end of input arrives, so
/// a cancellation token passed to it is never looked at while someone types (or a pipe stays open).
/// Each read therefore runs on the thread pool and only the wait for it is cancelled. A read abandoned
/// that way stays blocked until input arrives; by then the command is flushing and about to exit.
/// One reader at a time.
/// </summary>
internal sealed class InputLines(TextReader input)
{
    /// <summary>The next line, or null at the end of input; throws <see cref="OperationCanceledException"/> when cancelled first.</summary>
    public async Task<string?> NextAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(cancellationToken);
    }
}
