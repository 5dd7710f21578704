using System.Net.Sockets;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Files;

/// <summary>
/// The file-system side of a unix stream socket: whether a path is a socket (only a socket file may be unlinked as
/// stale), and who is at the other end of a connection (SO_PEERCRED), which .NET does not expose.
/// </summary>
public static class UnixSocketFile
{
    private const int SOL_SOCKET = 1;
    private const int SO_PEERCRED = 17;

    /// <summary>True when <paramref name="path"/> exists and is a socket (symlinks followed).</summary>
    public static bool IsSocket(string path) => Libc.TryFileType(path, out int type, out _) && type == Libc.S_IFSOCK;

    /// <summary>This process's effective user id.</summary>
    public static uint EffectiveUid => Libc.GetEffectiveUid();

    /// <summary>
    /// The effective user id of the process that connected <paramref name="connection"/> (struct ucred: pid, uid, gid, as
    /// the kernel recorded them at connect time); false when the socket is not a connected unix socket.
    /// </summary>
    public static bool TryPeerUid(Socket connection, out uint uid)
    {
        Span<byte> cred = stackalloc byte[12];
        try
        {
            int n = connection.GetRawSocketOption(SOL_SOCKET, SO_PEERCRED, cred);
            if (n >= 8)
            {
                uid = System.Runtime.InteropServices.MemoryMarshal.Read<uint>(cred[4..]);
                return true;
            }
        }
        catch (SocketException)
        {
            // ENOTCONN or not AF_UNIX: no credentials to read, the caller refuses the peer.
        }
        uid = 0;
        return false;
    }
}
