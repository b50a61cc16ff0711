namespace Hermes.Sdk.Core;

/// <summary>How serious a <see cref="SourceProblem"/> is.</summary>
public enum ProblemSeverity
{
    /// <summary>Worth knowing; nothing needs to change.</summary>
    Info,

    /// <summary>Usable, but not as intended (a looser format, a missing recommended part).</summary>
    Warning,

    /// <summary>The input cannot be used until it is fixed.</summary>
    Error,
}

/// <summary>
/// One problem in an input file, where it is and what it concerns: printed as
/// <c>file:line:column: field: message</c>, the way compilers print, so editors and terminals link to the place.
/// </summary>
/// <param name="File">The file (or the name of the source).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Field">What the problem concerns: a YAML path such as <c>fallback_providers[1].api_key_env</c>, a section or a front-matter key.</param>
/// <param name="Message">What is wrong.</param>
public sealed record SourceProblem(string File, int Line, int Column, string Field, string Message)
{
    /// <summary>How serious it is; <see cref="ProblemSeverity.Error"/> unless said otherwise.</summary>
    public ProblemSeverity Severity { get; init; } = ProblemSeverity.Error;

    /// <summary>A stable code for tools and documentation (for example <c>SKILL004</c>), when there is one.</summary>
    public string? Code { get; init; }

    /// <summary>How to fix it, when the message alone does not say.</summary>
    public string? Fix { get; init; }

    /// <summary>Whether it is an error.</summary>
    public bool IsError => Severity == ProblemSeverity.Error;

    /// <summary>
    /// <c>file:line:column: field: message</c>; with a code, <c>file:line:column: severity CODE: field: message</c>; with a
    /// fix, <c>(fix: …)</c> after it.
    /// </summary>
    /// <returns>The formatted problem.</returns>
    public override string ToString()
    {
        string code = Code is null ? string.Empty : $"{Severity.ToString().ToLowerInvariant()} {Code}: ";
        string fix = Fix is null ? string.Empty : $" (fix: {Fix})";
        return $"{File}:{Line}:{Column}: {code}{Field}: {Message}{fix}";
    }
}
