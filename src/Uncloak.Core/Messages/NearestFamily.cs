using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>
/// For a line no parser accepted, the family whose example lines share the most distinctive words with
/// it, so `explain` can say "this looks like X but does not parse" instead of only "unknown".
/// </summary>
public static class NearestFamily
{
    private static readonly HashSet<string> Stopwords = new(StringComparer.OrdinalIgnoreCase)
    {
        "tcp", "on", "the", "of", "is", "from", "to", "a", "for", "and", "at", "in", "port", "peer", "kernel",
    };

    public static (EventKind Kind, double Score)? Find(string line)
    {
        var words = WordsOf(line);
        if (words.Count == 0)
        {
            return null;
        }
        (EventKind Kind, double Score)? best = null;
        foreach (var family in MessageCatalog.Families)
        {
            foreach (var example in family.Examples)
            {
                var ex = WordsOf(example);
                int shared = words.Count(ex.Contains);
                double score = ex.Count == 0 ? 0 : (double)shared / Math.Max(ex.Count, 1);
                if (shared >= 2 && (best is null || score > best.Value.Score))
                {
                    best = (family.Kind, score);
                }
            }
        }
        return best is { Score: >= 0.25 } ? best : null;
    }

    private static HashSet<string> WordsOf(string text)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Split([' ', ':', ',', '.', '!', '(', ')', '[', ']', '/', '=', '-'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw.Length >= 2 && raw.Any(char.IsLetter) && !raw.Any(char.IsDigit) && !Stopwords.Contains(raw))
            {
                set.Add(raw);
            }
        }
        return set;
    }
}
