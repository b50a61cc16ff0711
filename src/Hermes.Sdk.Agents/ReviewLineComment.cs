namespace Hermes.Sdk.Agents;

/// <summary>A line comment of a review, as the model gives it to <c>post_review</c>.</summary>
/// <param name="Path">The changed file's path.</param>
/// <param name="Line">The line of the file's new version (the <c>+</c> side of the diff's hunk headers).</param>
/// <param name="Body">What it says.</param>
public sealed record ReviewLineComment(string Path, int Line, string Body);
