namespace Hermes.Sdk.CommandCenter;

/// <summary>How far a tile may be believed.</summary>
internal enum Freshness
{
    /// <summary>Read now, from a source whose own time is recent.</summary>
    Live,

    /// <summary>Read, but the source's own time is older than its threshold: shown, marked stale, never green.</summary>
    Stale,

    /// <summary>The source could not be read: nothing is shown but the reason and when it was last read well.</summary>
    Unknown,
}

/// <summary>A value read from a source with the source's own time (a heartbeat's arrival, a state's check, Gitea's answer).</summary>
internal sealed record Sourced<T>(T Value, DateTimeOffset SourceTime);

/// <summary>
/// What a source said, and how fresh it is: the source's name, its value (null when it could not be read), the source's
/// own time, when it was fetched, why it could not be read, and when it was last read well.
/// </summary>
internal sealed record SourceReading<T>(string Source, T? Value, DateTimeOffset? SourceTime, DateTimeOffset FetchedAt, string? Error, DateTimeOffset? LastGoodAt, TimeSpan StaleAfter)
    where T : class
{
    /// <summary>Unknown when unread; stale when the source's time is older than its threshold at <paramref name="now"/>; otherwise live.</summary>
    public Freshness FreshnessAt(DateTimeOffset now) => Value is null || Error is not null
        ? Freshness.Unknown
        : SourceTime is { } at && now - at > StaleAfter ? Freshness.Stale : Freshness.Live;

    /// <summary>The freshness as shown and written in JSON: the tile's provenance.</summary>
    public SourceStamp Stamp(DateTimeOffset now) => new(Source, FreshnessAt(now).ToString().ToLowerInvariant(), SourceTime, FetchedAt, Error, LastGoodAt);
}

/// <summary>The provenance every tile and JSON view carries.</summary>
/// <param name="Source">Where the data came from.</param>
/// <param name="Freshness"><c>live</c>, <c>stale</c> or <c>unknown</c>.</param>
/// <param name="SourceTime">The source's own time for the data.</param>
/// <param name="FetchedAt">When the command center read it.</param>
/// <param name="Error">Why it could not be read (unknown only).</param>
/// <param name="LastGoodAt">When it was last read well (unknown only).</param>
internal sealed record SourceStamp(string Source, string Freshness, DateTimeOffset? SourceTime, DateTimeOffset FetchedAt, string? Error, DateTimeOffset? LastGoodAt);
