namespace LogBroker.Lbctl.Output;

/// <summary>Who reads the output: a person (tables, plain lines) or a script (JSON).</summary>
internal enum OutputFormat
{
    Text,
    Json,
}
