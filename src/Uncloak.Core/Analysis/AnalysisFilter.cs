using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>What part of the evidence a report covers (`--since`, `--until`, `--kind`, `--peer`).</summary>
public sealed record AnalysisFilter
{
    public static AnalysisFilter All { get; } = new();

    public DateTime? Since { get; init; }

    public DateTime? Until { get; init; }

    /// <summary>Only these kinds; empty means all.</summary>
    public IReadOnlySet<EventKind> Kinds { get; init; } = new HashSet<EventKind>();

    /// <summary>Only events whose peer is inside this network.</summary>
    public NetAddress? PeerNetwork { get; init; }

    public int PeerPrefixLength { get; init; }

    public bool Accepts(in NetEvent ev)
    {
        if (Kinds.Count > 0 && !Kinds.Contains(ev.Kind))
        {
            return false;
        }
        if ((Since is not null || Until is not null) && ev.HasTime)
        {
            if (Since is { } s && ev.Time < s)
            {
                return false;
            }
            if (Until is { } u && ev.Time >= u)
            {
                return false;
            }
        }
        if (PeerNetwork is { } net)
        {
            if (ev.Peer.IsNone || ev.Peer.IsV4 != net.IsV4 || ev.Peer.Prefix(PeerPrefixLength) != net)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Parses <c>ADDR</c> or <c>ADDR/LEN</c>.</summary>
    public static bool TryParseNetwork(string text, out NetAddress network, out int prefixLength)
    {
        network = default;
        prefixLength = 0;
        int slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!NetAddress.TryParse(addressText, out var address))
        {
            return false;
        }
        int max = address.IsV4 ? 32 : 128;
        prefixLength = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out prefixLength) || prefixLength < 0 || prefixLength > max))
        {
            return false;
        }
        network = address.Prefix(prefixLength);
        return true;
    }
}
