namespace Uncloak.Store;

/// <summary>The store cannot be opened or written (permissions, disk full, a file that is not a database).</summary>
public sealed class StoreException : Exception
{
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
