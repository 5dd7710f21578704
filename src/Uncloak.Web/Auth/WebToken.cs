using System.Security.Cryptography;
using System.Text;

namespace Uncloak.Web.Auth;

/// <summary>
/// The dashboard's login token: 256 random bits, written at start to a root-only file (0600) that only whoever can read
/// it can turn into a session (<c>uncloak web url</c> prints the link). A new token each start: an old link stops working
/// when the daemon restarts.
/// </summary>
public sealed class WebToken
{
    private readonly byte[] _bytes;

    private WebToken(string text)
    {
        Text = text;
        _bytes = Encoding.ASCII.GetBytes(text);
    }

    /// <summary>The token as sent in <c>/login?token=…</c>: 43 base64url characters.</summary>
    public string Text { get; }

    /// <summary>A fresh random token.</summary>
    public static WebToken Create() => new(Base64Url(RandomNumberGenerator.GetBytes(32)));

    /// <summary>
    /// Writes the token to <paramref name="path"/>, readable by the owner only (created 0600 through a temporary file and a
    /// rename, so no reader ever sees it half written or with wider permissions); creates the folder (0700) when missing.
    /// Throws <see cref="IOException"/> when it cannot.
    /// </summary>
    public void WriteTo(string path)
    {
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            string temp = path + ".tmp";
            File.Delete(temp);
            using (var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                file.Write(Encoding.ASCII.GetBytes(Text + "\n"));
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot write the dashboard token to {path}: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="given"/> is this token; the comparison takes the same time wherever they differ.</summary>
    public bool Matches(string? given)
    {
        if (given is null || given.Length != Text.Length)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[64];
        int n = Encoding.ASCII.GetBytes(given.AsSpan(0, Math.Min(given.Length, 64)), bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..n], _bytes);
    }

    /// <summary>Reads the token file as written by <see cref="WriteTo"/>: the first line, trimmed; null when absent or empty.</summary>
    public static string? Read(string path)
    {
        string text = File.ReadAllText(path).Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>Base64url without padding: safe in a query string and a cookie as it is.</summary>
    public static string Base64Url(ReadOnlySpan<byte> bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
