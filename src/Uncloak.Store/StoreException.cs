namespace Uncloak.Store;

/// <summary>The store cannot be opened or written (permissions, disk full, a file that is not a database).</summary>
public sealed class StoreException : Exception
{
    /// <summary>True when the file is damaged (corrupt pages, not a database): <c>uncloak store recover</c> is the way out.</summary>
    public bool Damaged { get; init; }

    public StoreException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException()
    {
    }
}
