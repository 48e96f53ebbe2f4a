namespace LogBroker.Faultlab.Hosts;

/// <summary>The lab could not be built or run (a command failed, a broker never became ready); the message says which and why.</summary>
public sealed class LabException : Exception
{
    public LabException()
    {
    }

    public LabException(string message)
        : base(message)
    {
    }

    public LabException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
