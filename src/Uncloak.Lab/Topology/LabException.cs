namespace Uncloak.Lab.Topology;

/// <summary>The lab could not be built or driven: a tool failed or is missing. The message carries the tool's own words.</summary>
public sealed class LabException : Exception
{
    public LabException(string message) : base(message)
    {
    }

    public LabException(string message, Exception inner) : base(message, inner)
    {
    }

    public LabException()
    {
    }
}
