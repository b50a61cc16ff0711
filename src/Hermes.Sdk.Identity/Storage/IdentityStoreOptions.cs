using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Identity.Storage;

/// <summary>Argon2id cost parameters for passphrase-encrypted key files.</summary>
public sealed class KeyDerivationOptions
{
    /// <summary>The OWASP floor for Argon2id memory (19 MiB).</summary>
    public const long MinimumMemorySizeKiB = 19 * 1024;

    /// <summary>Memory cost in KiB. Default 64 MiB; at least 19 MiB.</summary>
    public long MemorySizeKiB { get; set; } = 64 * 1024;

    /// <summary>Passes over memory. Default 3; at least 2.</summary>
    public long Iterations { get; set; } = 3;
}

/// <summary>Where and how agent identities are stored.</summary>
public sealed class IdentityStoreOptions
{
    /// <summary>The environment variable naming the Hermes home folder (default <c>~/.hermes</c>).</summary>
    public const string HermesHomeVariable = "HERMES_HOME";

    /// <summary>The default environment variable holding the key-file passphrase.</summary>
    public const string DefaultPassphraseVariable = "HERMES_IDENTITY_PASSPHRASE";

    /// <summary>
    /// The folder holding one sub-folder per agent. Default: <c>$HERMES_HOME/identity</c>, or
    /// <c>~/.hermes/identity</c> when <c>HERMES_HOME</c> is not set.
    /// </summary>
    public string? RootDirectory { get; set; }

    /// <summary>The agent whose identity <c>AddHermesIdentity</c> provides as a service (optional).</summary>
    public string? AgentName { get; set; }

    /// <summary>Whether resolving the agent's identity creates it when it does not exist yet. Default true.</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>
    /// The environment variable holding the passphrase that encrypts key files. When it (or
    /// <see cref="PassphraseFile"/>) is set, new identities are encrypted; when a stored file is encrypted, it is required.
    /// </summary>
    public string PassphraseEnvironmentVariable { get; set; } = DefaultPassphraseVariable;

    /// <summary>A file (0600) holding the passphrase; takes precedence over the environment variable.</summary>
    public string? PassphraseFile { get; set; }

    /// <summary>Refuse to create or load plaintext key files. Default false.</summary>
    public bool RequireEncryption { get; set; }

    /// <summary>Argon2id costs for newly encrypted files (existing files carry their own).</summary>
    public KeyDerivationOptions KeyDerivation { get; set; } = new();

    /// <summary>The effective root folder.</summary>
    /// <returns>The absolute path.</returns>
    public string ResolveRootDirectory()
    {
        if (!string.IsNullOrWhiteSpace(RootDirectory))
        {
            return Path.GetFullPath(ExpandHome(RootDirectory));
        }

        string? home = Environment.GetEnvironmentVariable(HermesHomeVariable);
        string hermesHome = string.IsNullOrWhiteSpace(home)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hermes")
            : ExpandHome(home);
        return Path.GetFullPath(Path.Combine(hermesHome, "identity"));
    }

    internal SecretSource? ResolvePassphrase()
    {
        if (!string.IsNullOrWhiteSpace(PassphraseFile))
        {
            return SecretSource.FromFile(ExpandHome(PassphraseFile));
        }

        return string.IsNullOrWhiteSpace(PassphraseEnvironmentVariable)
            ? null
            : SecretSource.FromEnvironment(PassphraseEnvironmentVariable);
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;
}

/// <summary>Validates <see cref="IdentityStoreOptions"/> at start-up.</summary>
public sealed class IdentityStoreOptionsValidator : IValidateOptions<IdentityStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, IdentityStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AgentName is { } agent && AgentNames.Validate(agent) is { } problem)
        {
            failures.Add($"{nameof(IdentityStoreOptions.AgentName)}: {problem}");
        }

        if (options.KeyDerivation is null)
        {
            failures.Add($"{nameof(IdentityStoreOptions.KeyDerivation)}: must not be null.");
        }
        else
        {
            if (options.KeyDerivation.MemorySizeKiB < KeyDerivationOptions.MinimumMemorySizeKiB)
            {
                failures.Add($"{nameof(IdentityStoreOptions.KeyDerivation)}.{nameof(KeyDerivationOptions.MemorySizeKiB)}: {options.KeyDerivation.MemorySizeKiB} is below the OWASP minimum of {KeyDerivationOptions.MinimumMemorySizeKiB} KiB (19 MiB).");
            }

            if (options.KeyDerivation.Iterations is < 2 or > 64)
            {
                failures.Add($"{nameof(IdentityStoreOptions.KeyDerivation)}.{nameof(KeyDerivationOptions.Iterations)}: {options.KeyDerivation.Iterations} must be between 2 and 64.");
            }
        }

        try
        {
            options.ResolveRootDirectory();
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            failures.Add($"{nameof(IdentityStoreOptions.RootDirectory)}: {ex.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
