namespace Hermes.Sdk.Core;

/// <summary>
/// An input (a configuration file, a skill, a test set) cannot be used; <see cref="Problems"/> lists every problem
/// found, each with its place. The packages' own exceptions derive from it, so one handler can report any of them.
/// </summary>
public class SourceProblemException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="what">What was being read, for the first line of the message (for example "the model configuration").</param>
    /// <param name="problems">The problems (at least one).</param>
    public SourceProblemException(string what, IReadOnlyList<SourceProblem> problems)
        : base(Format(what, problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    /// <param name="problems">The problems (possibly none, when the message says all).</param>
    /// <param name="message">The message.</param>
    protected SourceProblemException(IReadOnlyList<SourceProblem> problems, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(problems);
        Problems = problems;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<SourceProblem> Problems { get; }

    private static string Format(string what, IReadOnlyList<SourceProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 1
            ? problems[0].ToString()
            : $"{problems.Count} problems in {what}:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  " + p))}";
    }
}
