namespace LogBroker.Lbctl;

/// <summary>What lbctl's exit status means, so scripts can branch on it. Listed in the root help.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command failed: broker unreachable, unknown topic, refused by the broker, file unreadable.</summary>
    public const int Error = 1;

    /// <summary>The command line was wrong: unknown option, missing argument, malformed value.</summary>
    public const int Usage = 2;

    /// <summary>dump-log read the file but found damage (bad CRC, invalid batch, torn tail).</summary>
    public const int DamageFound = 3;

    /// <summary>Interrupted (Ctrl-C) before it finished; consume treats Ctrl-C as its normal end and exits 0.</summary>
    public const int Interrupted = 130;
}
