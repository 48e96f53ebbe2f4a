namespace LogBroker.Protocol;

/// <summary>Kafka's rules for topic names: 1 to 249 characters from [a-zA-Z0-9._-], and not "." or "..".</summary>
public static class TopicName
{
    public const int MaxLength = 249;

    public static bool IsValid(string? name, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(name))
        {
            error = "topic name is empty";
        }
        else if (name.Length > MaxLength)
        {
            error = $"topic name is {name.Length} characters; the limit is {MaxLength}";
        }
        else if (name is "." or "..")
        {
            error = $"topic name cannot be '{name}'";
        }
        else
        {
            foreach (var c in name)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                {
                    error = $"topic name '{name}' contains '{c}'; only ASCII letters, digits, '.', '_' and '-' are allowed";
                    break;
                }
            }
        }

        return error is null;
    }
}
