using System.Text.Json;
using Cronos;

namespace Hermes.Sdk.Fleet;

/// <summary>
/// A job the fleet runs on a schedule (<c>hermes.schedule/1</c>): a cron expression in a time zone, and the durable task
/// each slot enqueues. Desired state: enabled, or paused with a reason.
/// </summary>
public sealed record FleetSchedule
{
    /// <summary>The schema and major version of this record.</summary>
    public const string SchemaName = "hermes.schedule/1";

    /// <summary>The schema (<see cref="SchemaName"/>).</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>The schedule's name (a subject token, e.g. <c>burn-night</c>).</summary>
    public required string Name { get; init; }

    /// <summary>A cron expression: five fields, or six with seconds first (Cronos).</summary>
    public required string Cron { get; init; }

    /// <summary>The IANA time zone the expression is read in (default UTC), so "every night at 2" stays 2 across DST.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>The kind of task each slot enqueues.</summary>
    public required string Kind { get; init; }

    /// <summary>The tier it goes to.</summary>
    public string Tier { get; init; } = "default";

    /// <summary>The task's payload.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Whether it runs.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Why it is paused, when it is.</summary>
    public string? PausedReason { get; init; }

    /// <summary>The next slot strictly after <paramref name="after"/>, or null when the expression has none.</summary>
    /// <param name="after">The moment.</param>
    /// <returns>The slot, in UTC.</returns>
    /// <exception cref="FormatException">The expression or time zone is not valid.</exception>
    public DateTimeOffset? NextSlot(DateTimeOffset after)
    {
        CronExpression expression = CronExpression.Parse(Cron, Cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        DateTime? next = expression.GetNextOccurrence(after.UtcDateTime, zone, inclusive: false);
        return next is { } utc ? new DateTimeOffset(utc, TimeSpan.Zero) : null;
    }

    /// <summary>Throws unless the name, expression and time zone are valid.</summary>
    /// <exception cref="ArgumentException">Something is not valid; the message names the field.</exception>
    public void Validate()
    {
        if (!FleetSubjects.IsToken(Name))
        {
            throw new ArgumentException($"Schedule name '{Name}' is not a subject token (lower-case letters, digits, '-' and '_').", nameof(Name));
        }

        if (!FleetSubjects.IsToken(Tier))
        {
            throw new ArgumentException($"Schedule '{Name}': tier '{Tier}' is not a subject token.", nameof(Tier));
        }

        try
        {
            _ = NextSlot(DateTimeOffset.UnixEpoch);
        }
        catch (CronFormatException ex)
        {
            throw new ArgumentException($"Schedule '{Name}': cron '{Cron}' is not valid: {ex.Message}", nameof(Cron), ex);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new ArgumentException($"Schedule '{Name}': time zone '{TimeZone}' is not known.", nameof(TimeZone), ex);
        }
    }
}

/// <summary>What actually happened with a schedule (<c>hermes.schedule-state/1</c>), kept beside its desired state.</summary>
public sealed record ScheduleState
{
    /// <summary>The schema and major version of this record.</summary>
    public const string SchemaName = "hermes.schedule-state/1";

    /// <summary>The schema (<see cref="SchemaName"/>).</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>The schedule.</summary>
    public required string Name { get; init; }

    /// <summary>The last slot enqueued.</summary>
    public DateTimeOffset? LastSlot { get; init; }

    /// <summary>When it was enqueued, and by which runner.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The runner that enqueued the last slot.</summary>
    public string? Runner { get; init; }

    /// <summary>The last slot's result: <c>enqueued</c>, or what went wrong.</summary>
    public string? LastResult { get; init; }

    /// <summary>The next slot.</summary>
    public DateTimeOffset? NextSlot { get; init; }

    /// <summary>When a runner last looked at the schedule (runners present: this is recent).</summary>
    public DateTimeOffset? CheckedAt { get; init; }
}
