namespace Uncloak.Store;

/// <summary>
/// The schema's history. Append only: a released migration is never edited, a change is a new version.
/// Each area owns its own tables (events, sources; decisions; outages) and adds its versions here.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "sources and events", """
            CREATE TABLE sources (
                id          INTEGER PRIMARY KEY,
                identity    BLOB NOT NULL UNIQUE,   -- SHA-256 of the first 4 KiB of (decompressed) content
                path        TEXT NOT NULL,
                format      TEXT NOT NULL,
                bytes_done  INTEGER NOT NULL DEFAULT 0, -- events below this offset are stored already
                lines       INTEGER NOT NULL DEFAULT 0,
                malformed   INTEGER NOT NULL DEFAULT 0,
                first_seen  INTEGER NOT NULL,
                last_seen   INTEGER NOT NULL
            );
            CREATE TABLE events (
                source_id   INTEGER NOT NULL REFERENCES sources(id),
                offset      INTEGER NOT NULL,
                time_ms     INTEGER,               -- unix ms UTC, NULL when only uptime is known
                uptime_us   INTEGER,
                host        TEXT,
                kind        INTEGER NOT NULL,
                form        INTEGER NOT NULL,
                peer        BLOB,                  -- 16 bytes (IPv4-mapped for IPv4), NULL if none
                peer_family INTEGER NOT NULL DEFAULT 0,
                peer_port   INTEGER NOT NULL DEFAULT 0,
                local       BLOB,
                local_family INTEGER NOT NULL DEFAULT 0,
                local_port  INTEGER NOT NULL DEFAULT 0,
                seq_from    INTEGER NOT NULL DEFAULT 0,
                seq_to      INTEGER NOT NULL DEFAULT 0,
                millis      INTEGER NOT NULL DEFAULT 0,
                millis2     INTEGER NOT NULL DEFAULT 0,
                speed_mbps  INTEGER NOT NULL DEFAULT 0,
                queue       INTEGER NOT NULL DEFAULT 0,
                length      INTEGER NOT NULL DEFAULT 0,
                count       INTEGER NOT NULL DEFAULT 0,
                duplex      INTEGER NOT NULL DEFAULT 0,
                flow        INTEGER NOT NULL DEFAULT 0,
                protocol    INTEGER NOT NULL DEFAULT 0,
                tcp_flags   INTEGER NOT NULL DEFAULT 0,
                iface       TEXT,
                driver      TEXT,
                prefix      TEXT,
                weight      INTEGER NOT NULL DEFAULT 1, -- >1 for per-minute rollups of high-volume families
                text        TEXT,                  -- the kernel message (a sample, for rollups)
                PRIMARY KEY (source_id, offset)
            ) WITHOUT ROWID;
            CREATE INDEX events_time ON events(time_ms);
            CREATE INDEX events_kind_time ON events(kind, time_ms);
            """),
    ];
}
