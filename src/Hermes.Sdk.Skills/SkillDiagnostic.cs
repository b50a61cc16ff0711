namespace Hermes.Sdk.Skills;

/// <summary>How serious a skill problem is.</summary>
public enum SkillSeverity
{
    /// <summary>Worth knowing (a shadowed skill).</summary>
    Info,

    /// <summary>Readable, but not the open format (the engine's looser variants), or stale.</summary>
    Warning,

    /// <summary>The skill is broken.</summary>
    Error,
}

/// <summary>One problem in a skill, where it is, and how to fix it.</summary>
/// <param name="Severity">How serious.</param>
/// <param name="Code">A stable code, e.g. <c>SKILL004</c>.</param>
/// <param name="File">The file.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record SkillDiagnostic(SkillSeverity Severity, string Code, string File, int Line, int Column, string Message, string Fix)
{
    /// <summary><c>file:line:column: severity CODE: message (fix: …)</c>, as compilers print.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message} (fix: {Fix})";
}

/// <summary>A skill that cannot be written or read; nothing was changed.</summary>
public sealed class SkillException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="diagnostics">The problems, if any.</param>
    public SkillException(string message, IReadOnlyList<SkillDiagnostic>? diagnostics = null)
        : base(diagnostics is { Count: > 0 } ? message + "\n" + string.Join("\n", diagnostics) : message)
    {
        Diagnostics = diagnostics ?? [];
    }

    /// <summary>The problems.</summary>
    public IReadOnlyList<SkillDiagnostic> Diagnostics { get; }
}
