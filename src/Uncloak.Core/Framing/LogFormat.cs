namespace Uncloak.Core.Framing;

/// <summary>The transports a kernel message reaches a file through (see the catalog reference §2.2).</summary>
public enum LogFormat : byte
{
    Unknown = 0,

    /// <summary>rsyslog/syslog-ng/sysklogd classic: <c>Jun 17 04:07:59 host kernel: [  840.538439] msg</c>.</summary>
    Syslog,

    /// <summary>rsyslog high-precision: <c>2025-06-17T04:07:59.123456+00:00 host kernel: msg</c>.</summary>
    SyslogRfc3339,

    /// <summary><c>/dev/kmsg</c> records: <c>6,1234,5678901234,-;msg</c> plus continuation lines starting with a space.</summary>
    Kmsg,

    /// <summary><c>journalctl -o json</c>: one JSON object per line.</summary>
    JournalJson,

    /// <summary><c>journalctl -o export</c>: <c>KEY=value</c> lines, entries separated by a blank line, binary fields length-prefixed.</summary>
    JournalExport,

    /// <summary><c>dmesg</c>: <c>[  840.538439] msg</c>, <c>&lt;6&gt;[…] msg</c>, <c>[Tue Jun 17 04:07:59 2025] msg</c>, or bare messages.</summary>
    Dmesg,
}
