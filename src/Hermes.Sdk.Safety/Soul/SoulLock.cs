using Hermes.Sdk.Core;
using System.Text.RegularExpressions;

namespace Hermes.Sdk.Safety;

/// <summary>How a soul compares with its pin.</summary>
public enum SoulPinStatus
{
    /// <summary>The soul's hash is the pinned one.</summary>
    Pinned,

    /// <summary>The soul changed since it was pinned: "the code changes, the soul does not".</summary>
    Drifted,

    /// <summary>No lock file: the soul has never been pinned.</summary>
    Unpinned,
}

/// <summary>The result of comparing a soul with its lock file.</summary>
/// <param name="Status">The comparison.</param>
/// <param name="LockPath">The lock file.</param>
/// <param name="Expected">The pinned hash, when there is one.</param>
/// <param name="Actual">The soul's hash now.</param>
public sealed record SoulPinCheck(SoulPinStatus Status, string LockPath, string? Expected, string Actual)
{
    /// <summary>One loud, plain sentence about it.</summary>
    public string Message => Status switch
    {
        SoulPinStatus.Pinned => $"The soul matches its pin ({Actual[..12]}…).",
        SoulPinStatus.Drifted => $"SOUL DRIFT: the soul's sha256 is {Actual}, but {LockPath} pins {Expected}. The soul must not change by accident: restore it; or, if the change is deliberate and reviewed, run 'soul pin --accept-change' and then the safety suite again ('safety run').",
        _ => $"The soul is not pinned: {LockPath} does not exist. Pin it ('soul pin') so any change to it is noticed.",
    };
}

/// <summary>
/// The soul's lock file (default <c>SOUL.lock</c> beside <c>SOUL.md</c>): one line <c>sha256 &lt;hex&gt; &lt;file&gt;</c>,
/// comments with <c>#</c>. Written atomically.
/// </summary>
public static partial class SoulLock
{
    /// <summary>The lock file's default path for a soul file.</summary>
    /// <param name="soulPath">The <c>SOUL.md</c> path.</param>
    /// <returns>The lock's path.</returns>
    public static string DefaultPathFor(string soulPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(soulPath)) ?? ".", "SOUL.lock");

    /// <summary>Compares a soul with its lock file.</summary>
    /// <param name="soul">The soul.</param>
    /// <param name="lockPath">The lock file; default <see cref="DefaultPathFor"/>.</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="SoulException">The lock file is malformed (the message names file, line and field).</exception>
    public static SoulPinCheck Check(Soul soul, string? lockPath = null)
    {
        ArgumentNullException.ThrowIfNull(soul);
        lockPath = Path.GetFullPath(lockPath ?? DefaultPathFor(soul.Path));
        string? pinned = Read(lockPath);
        return pinned is null ? new SoulPinCheck(SoulPinStatus.Unpinned, lockPath, null, soul.Sha256)
            : new SoulPinCheck(pinned == soul.Sha256 ? SoulPinStatus.Pinned : SoulPinStatus.Drifted, lockPath, pinned, soul.Sha256);
    }

    /// <summary>Reads the pinned hash, or null when there is no lock file.</summary>
    /// <param name="lockPath">The lock file.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="SoulException">The lock file is malformed.</exception>
    public static string? Read(string lockPath)
    {
        if (!File.Exists(lockPath))
        {
            return null;
        }

        string? hash = null;
        string[] lines = File.ReadAllLines(lockPath);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            Match match = Entry().Match(line);
            if (!match.Success)
            {
                throw new SoulException($"{lockPath}:{i + 1}:1: sha256: expected 'sha256 <64 hex digits> SOUL.md', found '{line}'.");
            }

            if (hash is not null)
            {
                throw new SoulException($"{lockPath}:{i + 1}:1: sha256: a second pin; a lock file pins one soul.");
            }

            hash = match.Groups["hash"].Value.ToLowerInvariant();
        }

        return hash ?? throw new SoulException($"{lockPath}:1:1: sha256: the lock file pins nothing.");
    }

    /// <summary>Pins a soul: writes its hash to the lock file (atomically: a temporary file, then a rename).</summary>
    /// <param name="soul">The soul.</param>
    /// <param name="lockPath">The lock file; default <see cref="DefaultPathFor"/>.</param>
    /// <returns>The lock file's path.</returns>
    public static string Pin(Soul soul, string? lockPath = null)
    {
        ArgumentNullException.ThrowIfNull(soul);
        lockPath = Path.GetFullPath(lockPath ?? DefaultPathFor(soul.Path));
        string text = $"""
            # The soul is pinned: the code changes, the soul does not.
            # Change SOUL.md only on purpose and after review; then pin it again and re-run the safety suite.
            sha256 {soul.Sha256} {Path.GetFileName(soul.Path)}

            """;
        AtomicFile.WriteAllText(lockPath, text);
        return lockPath;
    }

    [GeneratedRegex("^sha256\\s+(?<hash>[0-9a-fA-F]{64})(\\s+\\S.*)?$")]
    private static partial Regex Entry();
}
