namespace Uncloak.Core.Analysis;

/// <summary>
/// The treason episodes as reports use them: how many, what they add up to, and the worst few in order. A log can
/// hold a million episodes; no report shows more than a screenful, and sorting or copying all of them cost more than
/// reading the lines.
/// </summary>
/// <param name="Count">Distinct episodes (stalled connections).</param>
/// <param name="Top">The first <see cref="EpisodeTable.TopCount"/> episodes: most lines first, then oldest first.</param>
/// <param name="Statistics">What the verdict weighs, over all episodes.</param>
public sealed record EpisodeSummary(int Count, IReadOnlyList<TreasonEpisode> Top, EpisodeStatistics Statistics)
{
    public static readonly EpisodeSummary Empty = new(0, [], default);
}
