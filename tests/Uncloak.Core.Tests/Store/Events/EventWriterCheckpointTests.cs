using Uncloak.Core.Events;
using Uncloak.Store;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 18, item 6: analyze's store load checkpoints its WAL as it goes, so the copy into the database file overlaps
/// the read instead of being the last thing the run waits for (90–120 ms of a 1.1 s dense run when it came at the end).
/// </summary>
public sealed class EventWriterCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_load_of_16_MB_of_blocks_never_holds_more_than_a_few_MB_in_the_wal()
    {
        string db = Path.Combine(_dir, "u.db");
        using var store = SqliteStore.Open(db);
        int source = SourceRegistry.Register(store, [1, 2, 3], "/var/log/kern.log", "Bsd").Id;
        var rnd = new Random(5);
        long rows = 0;
        using (var writer = new EventWriter(store))
        {
            // Watchdog rows with a kilobyte of text that does not compress: about 16 MB of blocks.
            var blocks = new EventBlockBuilder();
            for (int i = 0; i < 16_000; i++)
            {
                var text = new string([.. Enumerable.Range(0, 1000).Select(_ => (char)rnd.Next('a', 'z' + 1))]);
                var ev = new NetEvent
                {
                    Kind = EventKind.NetdevWatchdog, Time = new DateTime(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc).AddSeconds(i), UptimeMicros = -1,
                    Interface = "eth0", Driver = "e1000e", Position = new SourcePosition(source, i * 1100L),
                };
                blocks.Append(new StoredEvent(ev, 1, text));
                if (blocks.Full)
                {
                    writer.AddBlock(blocks.Build()!);
                }
                rows++;
            }
            writer.AddBlock(blocks.Build()!);
            writer.CompleteAdding();
            writer.Complete();
            Assert.Equal(rows, writer.Written);
            // Checkpointed every 4 MB of blocks, the WAL is rewound each time: its file is as long as the most it held.
            long wal = new FileInfo(db + "-wal").Length;
            Assert.True(wal < 8_000_000, $"the WAL grew to {wal:N0} bytes");
            Assert.True(new FileInfo(db).Length > 15_000_000, "the blocks are in the database file");
        }
        using var sum = store.Connection.CreateCommand();
        sum.CommandText = "SELECT SUM(rows) FROM event_blocks";
        Assert.Equal(rows, Convert.ToInt64(sum.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
