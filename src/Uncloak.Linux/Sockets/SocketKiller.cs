using Uncloak.Core.Signals;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Sockets;

/// <summary>Destroys the targets of a <see cref="KillPlan"/> with SOCK_DESTROY, one socket at a time.</summary>
public static class SocketKiller
{
    public static KillResult Execute(SockDiagClient client, KillPlan plan)
    {
        int killed = 0, gone = 0, failed = 0, firstErrno = 0;
        foreach (var socket in plan.Targets)
        {
            int errno = client.Destroy(socket);
            switch (errno)
            {
                case 0:
                    killed++;
                    break;
                case Libc.ENOENT:
                    // Closed between the dump and the destroy (or its cookie changed): nothing left to kill.
                    gone++;
                    break;
                default:
                    // EPERM without CAP_NET_ADMIN, EOPNOTSUPP without CONFIG_INET_DIAG_DESTROY: reported, not retried.
                    failed++;
                    if (firstErrno == 0)
                    {
                        firstErrno = errno;
                    }
                    break;
            }
        }
        return new KillResult(killed, gone, failed, firstErrno);
    }
}
