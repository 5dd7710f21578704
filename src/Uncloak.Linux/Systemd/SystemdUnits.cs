using System.Collections.Concurrent;
using Tmds.DBus.Protocol;

namespace Uncloak.Linux.Systemd;

/// <summary>
/// Asks systemd, over the D-Bus system bus, to restart a unit — what <c>systemctl restart UNIT</c> does, without a process:
/// <c>org.freedesktop.systemd1.Manager.RestartUnit(name, "replace")</c> queues a job, and the call waits for that job's
/// <c>JobRemoved</c> signal to learn how it ended (<c>done</c>, <c>failed</c>, <c>timeout</c>, <c>canceled</c>,
/// <c>dependency</c>, <c>skipped</c>). The wire protocol is Tmds.DBus.Protocol's.
/// </summary>
public static class SystemdUnits
{
    private const string Service = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string ManagerInterface = "org.freedesktop.systemd1.Manager";

    /// <summary>The system bus: <c>DBUS_SYSTEM_BUS_ADDRESS</c> when set, else <c>unix:path=/run/dbus/system_bus_socket</c>.</summary>
    public static string SystemBus => DBusAddress.System ?? "unix:path=/run/dbus/system_bus_socket";

    /// <summary>
    /// Restarts <paramref name="unit"/> and waits up to <paramref name="timeout"/> for its job to finish. Returns the job's
    /// object path and systemd's result word. Throws <see cref="SystemdBusException"/> when the bus cannot be reached or
    /// systemd is not on it (<see cref="SystemdBusException.Unreachable"/>), when systemd refuses (no such unit, access
    /// denied: the D-Bus error name is in the message), or when the job outlives the timeout. Cancellation throws
    /// <see cref="OperationCanceledException"/>; a job already queued keeps running in systemd.
    /// </summary>
    public static async Task<UnitJob> RestartAsync(string unit, TimeSpan timeout, string? busAddress = null, CancellationToken cancel = default)
    {
        string address = busAddress ?? SystemBus;
        using var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(timeout, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusConnectFailedException or DBusConnectionException or IOException or TimeoutException)
        {
            throw new SystemdBusException($"the system bus at {address} is unreachable: {e.Message}", unreachable: true, e);
        }

        // JobRemoved can arrive before RestartUnit's reply is read: every removal is kept until the job path is known.
        var removed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var finished = new SemaphoreSlim(0);
        using var watch = await connection.WatchSignalAsync(null, ManagerPath, ManagerInterface, "JobRemoved",
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                r.ReadUInt32(); // id
                string job = r.ReadObjectPathAsString();
                r.ReadString(); // unit
                return (Job: job, Result: r.ReadString());
            },
            (Notification<(string Job, string Result)> n) =>
            {
                if (n.HasValue)
                {
                    removed[n.Value.Job] = n.Value.Result;
                    finished.Release();
                }
            }, ObserverFlags.None, emitOnCapturedContext: false).ConfigureAwait(false);
        try
        {
            // systemd sends most signals only to subscribed clients; JobRemoved is among them on older versions.
            await connection.CallMethodAsync(Call(connection, "Subscribe", "", null)).WaitAsync(timeout, cancel).ConfigureAwait(false);
            string job = await connection.CallMethodAsync(Call(connection, "RestartUnit", "ss", unit),
                static (Message m, object? _) => m.GetBodyReader().ReadObjectPathAsString(), null).WaitAsync(timeout, cancel).ConfigureAwait(false);
            var deadline = DateTime.UtcNow + timeout;
            while (!removed.ContainsKey(job))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await finished.WaitAsync(left, cancel).ConfigureAwait(false))
                {
                    throw new SystemdBusException($"restart of {unit}: job {job} still running after {timeout.TotalSeconds:0} s", unreachable: false);
                }
            }
            return new UnitJob(unit, job, removed[job]);
        }
        catch (DBusErrorReplyException e) when (e.ErrorName is "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner")
        {
            throw new SystemdBusException($"systemd is not on the bus at {address} ({e.ErrorName}: {e.ErrorMessage})", unreachable: true, e);
        }
        catch (DBusErrorReplyException e)
        {
            throw new SystemdBusException($"systemd refused to restart {unit}: {e.ErrorName}: {e.ErrorMessage}", unreachable: false, e);
        }
        catch (TimeoutException e)
        {
            throw new SystemdBusException($"systemd did not answer within {timeout.TotalSeconds:0} s on {address}", unreachable: false, e);
        }
        catch (DBusConnectionClosedException e)
        {
            throw new SystemdBusException($"the bus at {address} closed the connection: {e.Message}", unreachable: true, e);
        }
    }

    private static MessageBuffer Call(DBusConnection connection, string member, string signature, string? unit)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Service, path: ManagerPath, @interface: ManagerInterface, member: member,
            signature: signature.Length == 0 ? null : signature, flags: MessageFlags.None);
        if (unit is not null)
        {
            writer.WriteString(unit);
            writer.WriteString("replace"); // the job replaces a conflicting queued one, as systemctl's default --job-mode
        }
        return writer.CreateMessage();
    }
}
