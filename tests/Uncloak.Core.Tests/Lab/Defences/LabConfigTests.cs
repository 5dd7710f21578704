using Uncloak.Config;
using Uncloak.Lab.Defences;
using Xunit;

namespace Uncloak.Core.Tests.Lab.Defences;

public sealed class LabConfigTests
{
    [Fact]
    public void The_lab_daemon_keeps_to_its_cell_and_leaves_the_hosts_paths_alone()
    {
        // A lab run on a server whose own daemon is running: a network namespace shares the filesystem, so anything
        // the cell's daemon writes by default (the store, the control socket) would be the host daemon's.
        var config = WatchConfigLoader.Load("lab.yaml", LabConfig.RenderWithProbes("/tmp/cell/uncloak.db"));

        Assert.Equal("/tmp/cell/uncloak.db", config.Store);
        Assert.Null(config.Control);
        Assert.False(config.Web.Enabled);
    }
}
