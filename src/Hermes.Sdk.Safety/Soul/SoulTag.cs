using System.Diagnostics;

namespace Hermes.Sdk.Safety;

/// <summary>What a check of the soul's signed git tag found.</summary>
public enum SoulTagStatus
{
    /// <summary>The newest soul tag is signed, its signature verifies, and it holds this very soul.</summary>
    Verified,

    /// <summary>The soul is not in a git repository (or git is not installed): nothing to verify.</summary>
    NotInRepository,

    /// <summary>No tag matches the pattern.</summary>
    NoTag,

    /// <summary>The tag carries no signature.</summary>
    NotSigned,

    /// <summary>The signature does not verify (unknown key, tampered tag).</summary>
    BadSignature,

    /// <summary>The signature verifies, but the soul changed since the tagged version.</summary>
    SoulChangedSinceTag,
}

/// <summary>The result of verifying the soul's signed tag.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Tag">The tag checked, when there was one.</param>
/// <param name="Detail">What git said, or why nothing was checked.</param>
public sealed record SoulTagCheck(SoulTagStatus Status, string? Tag, string Detail)
{
    /// <summary>Whether the soul is proven by a signature (only <see cref="SoulTagStatus.Verified"/>).</summary>
    public bool IsVerified => Status == SoulTagStatus.Verified;
}

/// <summary>
/// Verifies the soul against a signed git tag: the newest tag matching a pattern (default <c>*soul*</c>, as in the blueprint's <c>git tag -s v1.0-soul</c>) must verify
/// with <c>git tag -v</c> (GPG or SSH signatures, per the repository's git configuration), and its <c>SOUL.md</c> must
/// be the file on disk. Git runs with arguments only — nothing secret passes through it.
/// </summary>
public static class SoulTag
{
    /// <summary>Checks the newest soul tag.</summary>
    /// <param name="soul">The soul (its file must be inside the repository).</param>
    /// <param name="tagPattern">The tags to consider, newest first.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>What was found; never throws for an unsigned or missing tag.</returns>
    public static async Task<SoulTagCheck> VerifyAsync(Soul soul, string tagPattern = "*soul*", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(soul);
        string directory = Path.GetDirectoryName(soul.Path) ?? ".";
        (int code, string top, string error) = await GitAsync(directory, cancellationToken, "rev-parse", "--show-toplevel").ConfigureAwait(false);
        if (code != 0)
        {
            return new SoulTagCheck(SoulTagStatus.NotInRepository, null, code == -1 ? "git is not installed" : $"{directory} is not in a git repository ({error.Trim()})");
        }

        (_, string tags, _) = await GitAsync(directory, cancellationToken, "tag", "--list", tagPattern, "--sort=-creatordate").ConfigureAwait(false);
        string? tag = tags.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (tag is null)
        {
            return new SoulTagCheck(SoulTagStatus.NoTag, null, $"no tag matches '{tagPattern}': sign the soul with 'git tag -s v1.0-soul'");
        }

        (int verified, string output, string said) = await GitAsync(directory, cancellationToken, "tag", "-v", tag).ConfigureAwait(false);
        string detail = SignatureLine(said) ?? SignatureLine(output) ?? LastLine(said + output);
        if (verified != 0)
        {
            bool unsigned = detail.Contains("no signature found", StringComparison.OrdinalIgnoreCase);
            return new SoulTagCheck(unsigned ? SoulTagStatus.NotSigned : SoulTagStatus.BadSignature, tag, detail);
        }

        string relative = Path.GetRelativePath(top.Trim(), soul.Path).Replace('\\', '/');
        (int found, string tagged, _) = await GitAsync(directory, cancellationToken, "rev-parse", $"{tag}:{relative}").ConfigureAwait(false);
        (_, string current, _) = await GitAsync(directory, cancellationToken, "hash-object", "--", soul.Path).ConfigureAwait(false);
        if (found != 0 || tagged.Trim() != current.Trim())
        {
            return new SoulTagCheck(SoulTagStatus.SoulChangedSinceTag, tag, found != 0 ? $"{tag} does not contain {relative}" : $"{relative} differs from the version signed in {tag}");
        }

        return new SoulTagCheck(SoulTagStatus.Verified, tag, detail);
    }

    private static string? SignatureLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => l.Contains("signature", StringComparison.OrdinalIgnoreCase));

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;

    private static async Task<(int Code, string Output, string Error)> GitAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(directory);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, string.Empty, "git is not installed");
        }

        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }
}
