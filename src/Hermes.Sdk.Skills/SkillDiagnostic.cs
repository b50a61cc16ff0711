using Hermes.Sdk.Core;

namespace Hermes.Sdk.Skills;

/// <summary>Makes the skill checks' problems: each with its code, the field it concerns, and a fix.</summary>
internal static class SkillProblems
{
    public static SourceProblem Create(ProblemSeverity severity, string code, string path, int line, int column, string message, string fix) =>
        new(path, line, column, FieldOf(code), message) { Severity = severity, Code = code, Fix = fix };

    public static SourceProblem Error(string code, string path, int line, int column, string message, string fix) =>
        Create(ProblemSeverity.Error, code, path, line, column, message, fix);

    public static SourceProblem Warning(string code, string path, int line, int column, string message, string fix) =>
        Create(ProblemSeverity.Warning, code, path, line, column, message, fix);

    /// <summary>What each check concerns (the codes are listed in docs/skills.md).</summary>
    private static string FieldOf(string code) => code switch
    {
        "SKILL000" => "SKILL.md",
        "SKILL001" or "SKILL002" => "front matter",
        "SKILL003" or "SKILL004" or "SKILL005" => "name",
        "SKILL006" => "description",
        "SKILL007" => "compatibility",
        "SKILL008" => "fields",
        "SKILL009" => "metadata",
        "SKILL010" or "SKILL011" => "sections",
        "SKILL012" => "Steps",
        "SKILL013" => "metadata.last-verified",
        "SKILL020" or "SKILL021" => "name",
        _ => "skill",
    };
}

/// <summary>A skill that cannot be written or read; nothing was changed.</summary>
public sealed class SkillException : SourceProblemException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="diagnostics">The problems, if any.</param>
    public SkillException(string message, IReadOnlyList<SourceProblem>? diagnostics = null)
        : base(diagnostics ?? [], diagnostics is { Count: > 0 } ? message + "\n" + string.Join("\n", diagnostics) : message)
    {
    }

    /// <summary>The problems (the same list as <see cref="SourceProblemException.Problems"/>).</summary>
    public IReadOnlyList<SourceProblem> Diagnostics => Problems;
}
