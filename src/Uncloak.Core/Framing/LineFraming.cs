namespace Uncloak.Core.Framing;

/// <summary>
/// The wrapping one line arrived in, recognised per line (files mix them: pasted fragments, concatenated dumps).
/// A finer split than <see cref="LogFormat"/>, which names a whole file's dominant transport.
/// </summary>
public enum LineFraming : byte
{
    /// <summary>No framing recognised: the whole line is the message (plain dmesg -t, pasted message).</summary>
    None = 0,

    /// <summary><c>Jun 17 04:07:59 host kernel: …</c>, also without a host and with fractional seconds (short-precise).</summary>
    Syslog,

    /// <summary><c>2025-06-17T04:07:59.123456+00:00 host kernel: …</c> (rsyslog high precision, journalctl short-iso).</summary>
    SyslogRfc3339,

    /// <summary>journalctl <c>-o short-full</c>: <c>Tue 2025-08-12 10:01:02 CEST host kernel: …</c>.</summary>
    ShortFull,

    /// <summary>journalctl <c>-o short-monotonic</c>: <c>[ 1234.567890] host kernel: …</c>.</summary>
    ShortMonotonic,

    /// <summary>OpenWrt/BusyBox <c>logread</c>: <c>Tue Aug 12 10:01:02 2025 kern.crit kernel: [uptime] …</c>.</summary>
    Logread,

    /// <summary>A <c>/dev/kmsg</c> record: <c>6,1234,5678901234,-;…</c>.</summary>
    Kmsg,

    /// <summary>A <c>journalctl -o json</c> object.</summary>
    JournalJson,

    /// <summary>dmesg with an uptime stamp, a raw level (<c>&lt;6&gt;</c>) or a facility:level prefix (<c>-x</c>).</summary>
    Dmesg,

    /// <summary>dmesg <c>-T</c>: <c>[Tue Jun 17 04:07:59 2025] …</c>.</summary>
    DmesgCtime,

    /// <summary>An RFC 3339 stamp then the message: <c>dmesg --time-format iso</c>, <c>2025-08-12T10:01:02.5Z …</c>.</summary>
    DmesgIso,

    /// <summary><c>talosctl dmesg</c>: <c>172.20.0.2: kern:    info: [2025-08-12T10:01:02.1Z]: …</c>.</summary>
    Talos,

    /// <summary>A pasted fragment that starts at the syslog tag: <c>kernel: …</c>, <c>kern.info kernel: …</c>.</summary>
    Fragment,

    /// <summary>RFC 5424 syslog: <c>&lt;4&gt;1 2025-08-12T10:01:02.5Z host kernel - - - …</c> (syslog-protocol files, network captures).</summary>
    Rfc5424,

    /// <summary>journalctl <c>-o short-unix</c>: <c>1723456862.123456 host kernel: …</c> (seconds since the epoch, UTC).</summary>
    ShortUnix,

    /// <summary>dmesg <c>-H</c>/<c>-e</c>: <c>[Aug12 10:01] …</c> then <c>[  +0.000004] …</c>; also <c>--time-format delta</c>: <c>[&lt;    0.000004&gt;] …</c>.</summary>
    DmesgRelative,
}
