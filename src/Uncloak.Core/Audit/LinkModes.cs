using System.Globalization;

namespace Uncloak.Core.Audit;

/// <summary>ethtool link-mode names (ETHTOOL_LINK_MODE_*_BIT without prefix and suffix, bit order of include/uapi/linux/ethtool.h) and what they say about speed and duplex.</summary>
public static class LinkModes
{
    private static readonly string[] Names =
    [
        "10baseT_Half", "10baseT_Full", "100baseT_Half", "100baseT_Full", "1000baseT_Half", "1000baseT_Full", "Autoneg", "TP", "AUI", "MII",
        "FIBRE", "BNC", "10000baseT_Full", "Pause", "Asym_Pause", "2500baseX_Full", "Backplane", "1000baseKX_Full", "10000baseKX4_Full", "10000baseKR_Full",
        "10000baseR_FEC", "20000baseMLD2_Full", "20000baseKR2_Full", "40000baseKR4_Full", "40000baseCR4_Full", "40000baseSR4_Full", "40000baseLR4_Full", "56000baseKR4_Full", "56000baseCR4_Full", "56000baseSR4_Full",
        "56000baseLR4_Full", "25000baseCR_Full", "25000baseKR_Full", "25000baseSR_Full", "50000baseCR2_Full", "50000baseKR2_Full", "100000baseKR4_Full", "100000baseSR4_Full", "100000baseCR4_Full", "100000baseLR4_ER4_Full",
        "50000baseSR2_Full", "1000baseX_Full", "10000baseCR_Full", "10000baseSR_Full", "10000baseLR_Full", "10000baseLRM_Full", "10000baseER_Full", "2500baseT_Full", "5000baseT_Full", "FEC_NONE",
        "FEC_RS", "FEC_BASER", "50000baseKR_Full", "50000baseSR_Full", "50000baseCR_Full", "50000baseLR_ER_FR_Full", "50000baseDR_Full", "100000baseKR2_Full", "100000baseSR2_Full", "100000baseCR2_Full",
        "100000baseLR2_ER2_FR2_Full", "100000baseDR2_Full", "200000baseKR4_Full", "200000baseSR4_Full", "200000baseLR4_ER4_FR4_Full", "200000baseDR4_Full", "200000baseCR4_Full", "100baseT1_Full", "1000baseT1_Full", "400000baseKR8_Full",
        "400000baseSR8_Full", "400000baseLR8_ER8_FR8_Full", "400000baseDR8_Full", "400000baseCR8_Full", "FEC_LLRS", "100000baseKR_Full", "100000baseSR_Full", "100000baseLR_ER_FR_Full", "100000baseCR_Full", "100000baseDR_Full",
        "200000baseKR2_Full", "200000baseSR2_Full", "200000baseLR2_ER2_FR2_Full", "200000baseDR2_Full", "200000baseCR2_Full", "400000baseKR4_Full", "400000baseSR4_Full", "400000baseLR4_ER4_FR4_Full", "400000baseDR4_Full", "400000baseCR4_Full",
        "100baseFX_Half", "100baseFX_Full",
    ];

    /// <summary>The name of a link-mode bit; bits newer than this table are named "bitN".</summary>
    public static string Name(int bit) => bit >= 0 && bit < Names.Length ? Names[bit] : "bit" + bit.ToString(CultureInfo.InvariantCulture);

    /// <summary>Names of the bits set in a little-endian array of 32-bit words (the layout of link_mode_masks).</summary>
    public static IReadOnlyList<string> FromMask(ReadOnlySpan<uint> words)
    {
        var result = new List<string>();
        for (int w = 0; w < words.Length; w++)
        {
            for (int b = 0; b < 32; b++)
            {
                if ((words[w] & (1u << b)) != 0)
                {
                    result.Add(Name(w * 32 + b));
                }
            }
        }
        return result;
    }

    /// <summary>Speed in Mb/s of a mode name ("1000baseT_Full" → 1000); null for non-speed bits (Autoneg, Pause, TP, FEC_*).</summary>
    public static int? SpeedOf(string mode)
    {
        int i = 0;
        while (i < mode.Length && char.IsAsciiDigit(mode[i]))
        {
            i++;
        }
        return i > 0 && mode.AsSpan(i).StartsWith("base", StringComparison.Ordinal)
            ? int.Parse(mode.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>Highest speed among the modes given (Mb/s); null when none names a speed.</summary>
    public static int? MaxSpeed(IEnumerable<string> modes) => modes.Select(SpeedOf).Where(s => s is not null).Max();

    /// <summary>Highest speed both sides advertise (the speed autonegotiation should pick); null when they share none.</summary>
    public static int? BestCommonSpeed(IEnumerable<string> ours, IEnumerable<string> theirs)
    {
        var set = ours.ToHashSet(StringComparer.Ordinal);
        return MaxSpeed(theirs.Where(set.Contains));
    }
}
