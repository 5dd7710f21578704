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
            -- One row per meaningful event. Fields beyond the queried ones are packed into body (EventPacking):
            -- binding 30 parameters per row cost more than parsing the line.
            CREATE TABLE events (
                source_id   INTEGER NOT NULL REFERENCES sources(id),
                offset      INTEGER NOT NULL,      -- byte offset of the line in the source (or kmsg sequence)
                time_ms     INTEGER,               -- unix ms UTC, NULL when only uptime is known
                kind        INTEGER NOT NULL,
                peer        BLOB,                  -- 16 bytes (IPv4-mapped for IPv4), NULL if none
                local_port  INTEGER NOT NULL,
                body        BLOB NOT NULL,
                text        TEXT,                  -- the kernel message
                PRIMARY KEY (source_id, offset)
            ) WITHOUT ROWID;
            CREATE INDEX events_time ON events(time_ms);
            -- High-volume families (firewall LOG lines) as aggregates: per-minute totals (scope 0), and per peer (1)
            -- and per local port (2) a count with the first and last minute seen. Counted only for offsets at or past
            -- sources.bytes_done, so re-reads add nothing.
            CREATE TABLE rollups (
                source_id   INTEGER NOT NULL REFERENCES sources(id),
                kind        INTEGER NOT NULL,
                scope       INTEGER NOT NULL,
                uptime      INTEGER NOT NULL,      -- 1 when minutes count since boot, 0 for wall-clock minutes (DateTime ticks / ticks per minute)
                bucket      INTEGER NOT NULL,      -- the minute (scope 0); 0 otherwise
                peer        BLOB NOT NULL DEFAULT x'',
                port        INTEGER NOT NULL DEFAULT 0,
                count       INTEGER NOT NULL,
                first_minute INTEGER NOT NULL,
                last_minute  INTEGER NOT NULL,
                PRIMARY KEY (source_id, kind, scope, uptime, bucket, peer, port)
            ) WITHOUT ROWID;
            """),
        new(2, "decisions (bans, refusals, revocations): the truth the enforcers reconcile the kernel with", """
            CREATE TABLE decisions (
                id              INTEGER PRIMARY KEY,
                target          TEXT NOT NULL,          -- canonical CIDR text (host without /32 or /128)
                reason          TEXT NOT NULL,
                origin          TEXT NOT NULL,          -- cli, import, a detector's name
                scenario        TEXT,
                created_ms      INTEGER NOT NULL,       -- unix ms UTC
                expires_ms      INTEGER NOT NULL,
                repeat          INTEGER NOT NULL DEFAULT 0,
                status          INTEGER NOT NULL,       -- 1 active, 2 refused, 3 revoked
                refusal         TEXT,                   -- rule name when refused (loopback, own_address, rate_cap, ...)
                refusal_message TEXT,
                revoked_ms      INTEGER
            );
            CREATE INDEX decisions_status_expires ON decisions(status, expires_ms);
            -- One ban, one probe: escalation history and in-force state of a target without scanning every ban.
            CREATE INDEX decisions_target ON decisions(target);
            -- In-force networks (they can cover each other in the kernel's interval sets), found without a scan.
            CREATE INDEX decisions_networks ON decisions(expires_ms) WHERE status = 1 AND instr(target, '/') > 0;
            """),
        new(10, "watch: source cursors, probe outages, remediation actions", """
            -- Where each live source stopped (kmsg sequence, file inode+offset, journal cursor), written in the same
            -- transaction as the events it covers: a restarted daemon resumes exactly there, storing nothing twice.
            CREATE TABLE watch_cursors (
                source      TEXT PRIMARY KEY,       -- kmsg:<boot id>, file:<path>, journal:<units>
                source_id   INTEGER NOT NULL REFERENCES sources(id),
                cursor      TEXT NOT NULL,
                position    INTEGER NOT NULL,       -- the next event offset (monotonic across rotations)
                gaps        INTEGER NOT NULL DEFAULT 0, -- records known lost (kmsg overruns, rotations missed)
                updated_ms  INTEGER NOT NULL
            );
            -- Health-probe outages: from the first failed check (after the confirmation count) to the first success.
            CREATE TABLE outages (
                id          INTEGER PRIMARY KEY,
                probe       TEXT NOT NULL,
                start_ms    INTEGER NOT NULL,
                end_ms      INTEGER,                -- NULL while ongoing
                cause       TEXT NOT NULL,          -- timeout, refused, status, content, reset, tls, dns
                detail      TEXT NOT NULL
            );
            CREATE INDEX outages_start ON outages(start_ms);
            -- Every action a scenario's profile asked for, carried out or simulated, with its outcome.
            CREATE TABLE watch_actions (
                id          INTEGER PRIMARY KEY,
                time_ms     INTEGER NOT NULL,       -- event time of the overflow
                scenario    TEXT NOT NULL,
                profile     TEXT NOT NULL,
                action      TEXT NOT NULL,          -- ban, kill_sockets, check, alert
                target      TEXT NOT NULL,          -- CIDR, or the bucket key for alerts
                duration_s  INTEGER NOT NULL DEFAULT 0,
                simulated   INTEGER NOT NULL,
                outcome     TEXT NOT NULL,
                reason      TEXT NOT NULL
            );
            CREATE INDEX watch_actions_time ON watch_actions(time_ms);
            """),
        new(11, "events: no index on time", """
            -- Nothing reads events by time (reports read them in key order), and keeping this index cost a quarter of
            -- every insert: analyze stores hundreds of thousands of rows per run.
            DROP INDEX IF EXISTS events_time;
            """),
        new(17, "ban intents: a ban operation in progress, so a crash between store and kernel is completed on the next run", """
            -- Written before a ban operation touches the store or the kernel, deleted once both are done. A row whose
            -- process is gone is a crash in between: the next ban command or daemon start makes the kernel match the
            -- store (issue 17, item 5). Version 17, not 12: other areas number their next versions from 12.
            CREATE TABLE ban_intents (
                id          INTEGER PRIMARY KEY,
                pid         INTEGER NOT NULL,
                verb        TEXT NOT NULL,          -- ban, unban, flush
                started_ms  INTEGER NOT NULL
            );
            """),
        new(20, "decisions: who revoked, the triggering event, renewals instead of duplicate rows", """
            -- Issue 16, item 2. Version 20: 12-19 are other areas' (17 is ban_intents), and a store already at 17 would skip
            -- a lower number.
            ALTER TABLE decisions ADD COLUMN revoked_by TEXT;            -- who or what lifted it early: 'root (bans del)'
            ALTER TABLE decisions ADD COLUMN evidence_source INTEGER;    -- the event that overflowed the scenario's bucket:
            ALTER TABLE decisions ADD COLUMN evidence_offset INTEGER;    --   events(source_id, offset)
            ALTER TABLE decisions ADD COLUMN evidence_first_ms INTEGER;  -- the bucket's first event
            ALTER TABLE decisions ADD COLUMN evidence_events INTEGER;    -- events the bucket counted
            ALTER TABLE decisions ADD COLUMN renewals INTEGER NOT NULL DEFAULT 0; -- re-bans while in force that extended this row
            ALTER TABLE decisions ADD COLUMN renewed_ms INTEGER;
            """),
        new(22, "vantage probes: gateway, upstream and self probe results with latency and failure class", """
            -- Issue 12, item 1. Version 22 (the capture work's incidents table is 30).
            -- One row per target per round; pruned with the events' retention.
            CREATE TABLE vantage_probes (
                id          INTEGER PRIMARY KEY,
                probe       TEXT NOT NULL,          -- the service probe the round ran beside
                time_ms     INTEGER NOT NULL,
                vantage     TEXT NOT NULL,          -- self, gateway, upstream, remote
                target      TEXT NOT NULL,          -- 198.18.0.1, 198.18.3.1:80, [2001:2::1]:443
                ok          INTEGER NOT NULL,
                failure     TEXT NOT NULL,          -- '' when ok; timeout, unreachable, neigh-failed, refused…
                latency_us  INTEGER NOT NULL
            );
            CREATE INDEX vantage_probes_time ON vantage_probes(time_ms);
            """),
        new(30, "incidents: the captured evidence of each outage and where its fault was", """
            -- Issue 12, items 2 and 5. Version 30: forensics numbers from 30 so that 21-29 stay free for the other areas.
            -- One row per incident bundle; the bundle itself is a folder of files (forensics: dir). layers holds every
            -- layer that scored: [{"layer": "shaper", "score": 0.9}, ...].
            CREATE TABLE incidents (
                id          TEXT PRIMARY KEY,       -- the bundle's folder name: 20261203T170001Z-site
                outage_id   INTEGER,                -- outages(id); NULL for a capture on demand
                probe       TEXT NOT NULL,          -- '' on demand
                start_ms    INTEGER NOT NULL,
                end_ms      INTEGER,
                layer       TEXT NOT NULL,          -- application, host, shaper, nic, lan, upstream, unknown
                confidence  REAL NOT NULL,
                layers      TEXT NOT NULL,
                summary     TEXT NOT NULL,
                bundle      TEXT NOT NULL           -- the bundle folder's path
            );
            CREATE INDEX incidents_start ON incidents(start_ms);
            CREATE INDEX incidents_outage ON incidents(outage_id);
            """),
        new(40, "timeline: events per minute and per hour by kind, so the dashboard's 30 days read a few hundred rows", """
            -- Issue 14. Version 40: 21-29 and 30-39 are other areas'. Minutes count from the unix epoch (time_ms / 60000),
            -- hours are minutes / 60. Written by the event writers in the transaction of the rows they count (firewall
            -- LOG lines from their per-minute rollups); events with only an uptime clock have no place here. Kept
            -- when events are pruned: the counts are the history the timeline shows.
            CREATE TABLE event_minutes (
                minute      INTEGER NOT NULL,
                kind        INTEGER NOT NULL,
                count       INTEGER NOT NULL,
                PRIMARY KEY (minute, kind)
            ) WITHOUT ROWID;
            CREATE TABLE event_hours (
                hour        INTEGER NOT NULL,
                kind        INTEGER NOT NULL,
                count       INTEGER NOT NULL,
                PRIMARY KEY (hour, kind)
            ) WITHOUT ROWID;
            -- What a store holds from before this version, counted once.
            INSERT INTO event_minutes(minute, kind, count)
                SELECT minute, kind, sum(n) FROM (
                    SELECT time_ms / 60000 AS minute, kind, count(*) AS n FROM events WHERE time_ms IS NOT NULL GROUP BY 1, 2
                    UNION ALL
                    SELECT bucket - 1035593280, kind, sum(count) FROM rollups WHERE scope = 0 AND uptime = 0 GROUP BY 1, 2)
                GROUP BY minute, kind;
            INSERT INTO event_hours(hour, kind, count) SELECT minute / 60, kind, sum(count) FROM event_minutes GROUP BY 1, 2;
            """),
        new(41, "event runs: a run of repetitive rare lines stored as one event row with its count and last time", """
            -- Issue 18, item 6. Conntrack-full, out-of-memory, orphan, neighbour-overflow and SYN-flood lines of one
            -- source, kind, form, listener and minute are one events row (EventRuns), its first line; this table says
            -- how many lines it stands for and when the last was (unix ms, or uptime µs when time_ms is NULL). A row
            -- without an entry here is one line. A side table, not new columns: rows of one line (most) pay nothing.
            CREATE TABLE IF NOT EXISTS event_runs (
                source_id   INTEGER NOT NULL,
                offset      INTEGER NOT NULL,
                weight      INTEGER NOT NULL,
                last_clock  INTEGER NOT NULL,
                PRIMARY KEY (source_id, offset)
            ) WITHOUT ROWID;
            """),
        new(42, "link runs: the NIC link lines of one interface and minute stored as one row, the others encoded beside it", """
            -- Issue 18, item 6. A run of link lines (LinkRuns) is one events row, its first line, with its event_runs
            -- row (count, last time) and here the other lines' offsets, times, states and link settings (LinkLines):
            -- every line is read back, so flaps pair as before. A side table, like event_runs: other rows pay nothing,
            -- and the migration can run again on a store whose version was set back.
            CREATE TABLE IF NOT EXISTS event_lines (
                source_id   INTEGER NOT NULL,
                offset      INTEGER NOT NULL,
                lines       BLOB NOT NULL,
                PRIMARY KEY (source_id, offset)
            ) WITHOUT ROWID;
            """),
        new(43, "listener runs: the SYN-flood runs of one source and minute stored as one row, the other listeners encoded beside it", """
            -- Issue 18, item 6. The SYN-flood lines of one source and minute (several listeners, cookies and drops) are one
            -- events row, the earliest run's first line, whose event_runs weight counts them all; here the other runs'
            -- offsets, actions, listeners, counts and times (ListenerRuns), each read back as a run of its own. A side
            -- table, like event_lines: other rows pay nothing, and a build from before it reads the row as one run.
            CREATE TABLE IF NOT EXISTS event_listeners (
                source_id   INTEGER NOT NULL,
                offset      INTEGER NOT NULL,
                runs        BLOB NOT NULL,
                PRIMARY KEY (source_id, offset)
            ) WITHOUT ROWID;
            """),
        new(44, "runs as columns of events: a run's weight, last time and encoded lines in its own row, not in three side tables", """
            -- Issue 18, item 6. A run (EventRuns, LinkRuns, ListenerRuns) wrote up to three rows besides its events row
            -- (event_runs, event_lines, event_listeners): on a dense log a third of the store writer's inserts, each a
            -- B-tree of its own. Now they are columns of the row: weight and last_clock (NULL for a row of one line),
            -- lines (NULL unless the row holds more: LinkLines for a NIC link run, ListenerRuns for a SYN-flood row).
            -- A row of one line pays three NULL header bytes. The columns are added before this runs (Migration.Columns).
            UPDATE events SET weight = r.weight, last_clock = r.last_clock
                FROM event_runs AS r WHERE r.source_id = events.source_id AND r.offset = events.offset;
            UPDATE events SET lines = l.lines
                FROM event_lines AS l WHERE l.source_id = events.source_id AND l.offset = events.offset;
            UPDATE events SET lines = l.runs
                FROM event_listeners AS l WHERE l.source_id = events.source_id AND l.offset = events.offset;
            DROP TABLE IF EXISTS event_runs;
            DROP TABLE IF EXISTS event_lines;
            DROP TABLE IF EXISTS event_listeners;
            """, [new("events", "weight", "INTEGER"), new("events", "last_clock", "INTEGER"), new("events", "lines", "BLOB")]),
        new(45, "firewall aggregates as one block per reader, source, kind and clock, not a row per minute, peer and port", """
            -- Issue 18, item 6. The rollups of a 2 M-line dense log were 77,000 rows, inserted after every reader was
            -- done: the run's tail. Now each reader's aggregates are one row (RollupBlock encodes its minute, peer and
            -- port records), keyed by the offset of the first line it counts; blocks add up when read. The rows of
            -- the rollups table written before stay where they are and are read with the blocks; nothing writes there
            -- any more.
            CREATE TABLE IF NOT EXISTS rollup_blocks (
                source_id   INTEGER NOT NULL REFERENCES sources(id),
                offset      INTEGER NOT NULL,
                kind        INTEGER NOT NULL,
                uptime      INTEGER NOT NULL,
                records     BLOB NOT NULL,
                PRIMARY KEY (source_id, offset, kind, uptime)
            ) WITHOUT ROWID;
            """),
        new(46, "analyze's rare events as blocks of rows encoded by the readers, one row per block", """
            -- Issue 18, item 6. A dense log's rare events were 100,000 events rows for 2 M lines, each a B-tree insert on
            -- the writer's thread. analyze's readers now encode them a few hundred at a time (EventBlock: the columns of
            -- an events row each, and the block's per-minute counts for the timeline); the writer stores the blob. The
            -- events table keeps the daemon's rows and those analyze wrote before; readers read both. A block is keyed
            -- by its smallest offset; last_offset finds the block of one position; first_ms and last_ms are the oldest and
            -- newest wall times of its rows (NULL when none has one), the second saying when it may be pruned.
            CREATE TABLE IF NOT EXISTS event_blocks (
                source_id   INTEGER NOT NULL REFERENCES sources(id),
                offset      INTEGER NOT NULL,
                last_offset INTEGER NOT NULL,
                first_ms    INTEGER,
                last_ms     INTEGER,
                rows        INTEGER NOT NULL,
                data        BLOB NOT NULL,
                PRIMARY KEY (source_id, offset)
            ) WITHOUT ROWID;
            """),
    ];
}
