using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.Identity.Nostr;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Identity.Storage;

/// <summary>
/// Stores agent identities on disk, one folder per agent under <see cref="RootDirectory"/>:
/// <list type="bullet">
/// <item><c>identity.json</c> — public parts (name, npub, NKey public key, creation time);</item>
/// <item><c>nostr.key</c> — the nsec, or its passphrase-encrypted envelope (0600);</item>
/// <item><c>nats.nk</c> — the NKey seed as NATS tools read it, or its envelope (0600).</item>
/// </list>
/// Folders are 0700 and secret files 0600 from their first byte. A new identity is written into a staging folder
/// and renamed into place, so it appears whole or not at all. Loading refuses secret files other users can read.
/// </summary>
public sealed partial class IdentityStore
{
    /// <summary>The file holding the public parts.</summary>
    public const string PublicFileName = "identity.json";

    /// <summary>The file holding the Nostr secret key.</summary>
    public const string NostrFileName = "nostr.key";

    /// <summary>The file holding the NKey seed.</summary>
    public const string NKeyFileName = "nats.nk";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly IdentityStoreOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates a store.</summary>
    /// <param name="options">Where and how to store; validated here.</param>
    /// <param name="logger">Logger (public parts only are ever logged).</param>
    /// <param name="timeProvider">Clock for creation times.</param>
    public IdentityStore(IdentityStoreOptions options, ILogger<IdentityStore>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult result = new IdentityStoreOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(IdentityStoreOptions), typeof(IdentityStoreOptions), result.Failures);
        }

        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        RootDirectory = options.ResolveRootDirectory();
    }

    /// <summary>Creates a store from DI options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="timeProvider">Clock.</param>
    public IdentityStore(IOptions<IdentityStoreOptions> options, ILogger<IdentityStore> logger, TimeProvider? timeProvider = null)
        : this(options.Value, logger, timeProvider)
    {
    }

    /// <summary>The folder holding one sub-folder per agent.</summary>
    public string RootDirectory { get; }

    /// <summary>The folder of one agent's identity.</summary>
    /// <param name="agentName">The agent.</param>
    /// <returns>The folder path (whether or not it exists).</returns>
    public string GetAgentDirectory(string agentName)
    {
        AgentNames.Require(agentName);
        return Path.Combine(RootDirectory, agentName);
    }

    /// <summary>Whether the agent has a stored identity.</summary>
    /// <param name="agentName">The agent.</param>
    /// <returns><see langword="true"/> when its folder holds an identity.</returns>
    public bool Exists(string agentName) => File.Exists(Path.Combine(GetAgentDirectory(agentName), PublicFileName));

    /// <summary>Generates and stores a new identity.</summary>
    /// <param name="agentName">The agent.</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>The identity (the caller disposes it).</returns>
    /// <exception cref="IOException">The agent already has an identity.</exception>
    public async Task<AgentIdentity> CreateAsync(string agentName, CancellationToken cancellationToken = default)
    {
        AgentIdentity identity = AgentIdentity.Generate(agentName, _time);
        try
        {
            await SaveNewAsync(identity, cancellationToken).ConfigureAwait(false);
            return identity;
        }
        catch
        {
            identity.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores existing keys as a new identity. The secrets are read from an environment variable or a private file
    /// (never a command-line argument): the Nostr key as nsec or hex, the NKey as a seed.
    /// </summary>
    /// <param name="agentName">The agent.</param>
    /// <param name="nostrSecret">Where the Nostr secret key is.</param>
    /// <param name="nkeySeed">Where the NKey seed is.</param>
    /// <param name="cancellationToken">Cancels before anything is written.</param>
    /// <returns>The identity (the caller disposes it).</returns>
    public async Task<AgentIdentity> ImportAsync(string agentName, SecretSource nostrSecret, SecretSource nkeySeed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nostrSecret);
        ArgumentNullException.ThrowIfNull(nkeySeed);
        AgentNames.Require(agentName);
        NostrKeyPair nostr = WithSecretChars(nostrSecret.Read(), chars => NostrKeyPair.Parse(chars), nostrSecret.Description);
        NKeyPair? nkey = null;
        try
        {
            nkey = WithSecretChars(nkeySeed.Read(), chars => NKeyPair.FromSeed(chars), nkeySeed.Description);
            var identity = new AgentIdentity(agentName, nostr, nkey, _time.GetUtcNow());
            await SaveNewAsync(identity, cancellationToken).ConfigureAwait(false);
            return identity;
        }
        catch
        {
            nostr.Dispose();
            nkey?.Dispose();
            throw;
        }
    }

    /// <summary>Loads a stored identity, checking file permissions and decrypting with the passphrase when needed.</summary>
    /// <param name="agentName">The agent.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The identity (the caller disposes it).</returns>
    /// <exception cref="FileNotFoundException">The agent has no identity here.</exception>
    /// <exception cref="InsecureKeyFileException">A secret file is accessible by other users.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the keys do not match identity.json.</exception>
    public async Task<AgentIdentity> LoadAsync(string agentName, CancellationToken cancellationToken = default)
    {
        string directory = GetAgentDirectory(agentName);
        using Activity? activity = IdentityDiagnostics.ActivitySource.StartActivity("identity.load");
        activity?.SetTag("hermes.agent", agentName);
        string publicPath = Path.Combine(directory, PublicFileName);
        if (!File.Exists(publicPath))
        {
            throw new FileNotFoundException($"Agent '{agentName}' has no identity in '{RootDirectory}'. Create one first (IdentityStore.CreateAsync, or `identity new` in a seed).", publicPath);
        }

        SecretFile.EnsureDirectoryNotWritableByOthers(directory);
        AgentIdentityInfo info = await ReadPublicInfoAsync(publicPath, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(info.Name, agentName, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{publicPath}': field 'name' is '{info.Name}', but the folder is '{agentName}'.");
        }

        string nostrPath = Path.Combine(directory, NostrFileName);
        string nkeyPath = Path.Combine(directory, NKeyFileName);
        NostrKeyPair nostr = WithSecretChars(ReadSecret(nostrPath, agentName), chars => NostrKeyPair.Parse(chars), nostrPath);
        NKeyPair? nkey = null;
        try
        {
            nkey = WithSecretChars(ReadSecret(nkeyPath, agentName), chars => NKeyPair.FromSeed(chars), nkeyPath);
            if (nostr.PublicKey.ToNpub() != info.Npub)
            {
                throw new InvalidDataException($"'{nostrPath}' holds a key whose npub is {nostr.PublicKey.ToNpub()}, but '{publicPath}' field 'npub' says {info.Npub}.");
            }

            if (nkey.PublicKey.Value != info.NKeyPublicKey)
            {
                throw new InvalidDataException($"'{nkeyPath}' holds a key whose public key is {nkey.PublicKey.Value}, but '{publicPath}' field 'nKeyPublicKey' says {info.NKeyPublicKey}.");
            }

            LogLoaded(_logger, agentName, info.Npub, info.NKeyPublicKey);
            return new AgentIdentity(agentName, nostr, nkey, info.CreatedAt);
        }
        catch
        {
            nostr.Dispose();
            nkey?.Dispose();
            throw;
        }
    }

    /// <summary>Loads the agent's identity, creating it first when it does not exist.</summary>
    /// <param name="agentName">The agent.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The identity (the caller disposes it).</returns>
    public async Task<AgentIdentity> LoadOrCreateAsync(string agentName, CancellationToken cancellationToken = default)
    {
        if (!Exists(agentName))
        {
            try
            {
                return await CreateAsync(agentName, cancellationToken).ConfigureAwait(false);
            }
            catch (IdentityExistsException)
            {
                // Another process created it between the check and the rename: load theirs.
            }
        }

        return await LoadAsync(agentName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the public parts of a stored identity without touching its secrets.</summary>
    /// <param name="agentName">The agent.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The public parts.</returns>
    public Task<AgentIdentityInfo> GetPublicInfoAsync(string agentName, CancellationToken cancellationToken = default) =>
        ReadPublicInfoAsync(Path.Combine(GetAgentDirectory(agentName), PublicFileName), cancellationToken);

    /// <summary>Lists the public parts of every stored identity.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The identities, by name.</returns>
    public async Task<IReadOnlyList<AgentIdentityInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<AgentIdentityInfo>();
        if (!Directory.Exists(RootDirectory))
        {
            return result;
        }

        foreach (string dir in Directory.EnumerateDirectories(RootDirectory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            string publicPath = Path.Combine(dir, PublicFileName);
            if (AgentNames.Validate(name) is null && File.Exists(publicPath))
            {
                result.Add(await ReadPublicInfoAsync(publicPath, cancellationToken).ConfigureAwait(false));
            }
        }

        return result;
    }

    private async Task SaveNewAsync(AgentIdentity identity, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using Activity? activity = IdentityDiagnostics.ActivitySource.StartActivity("identity.create");
        activity?.SetTag("hermes.agent", identity.Name);

        string final = GetAgentDirectory(identity.Name);
        if (Directory.Exists(final))
        {
            throw new IdentityExistsException(identity.Name, final);
        }

        SecretSource? passphraseSource = _options.ResolvePassphrase();
        byte[]? passphrase = passphraseSource is not null && passphraseSource.IsAvailable() ? passphraseSource.Read() : null;
        if (passphrase is null && _options.RequireEncryption)
        {
            throw new InvalidOperationException($"Key files must be encrypted (RequireEncryption), but no passphrase is set: set {DescribePassphrase()}.");
        }

        SecretFile.CreatePrivateDirectory(RootDirectory);
        SecretFile.EnsureDirectoryNotWritableByOthers(RootDirectory);
        string staging = Path.Combine(RootDirectory, $".{identity.Name}.staging-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        try
        {
            SecretFile.CreatePrivateDirectory(staging);

            char[] nsec = new char[Nip19.EncodedLength];
            char[] seed = new char[NKeyCodec.SeedTextLength];
            try
            {
                identity.Nostr.ExportNsec(nsec);
                identity.NKey.ExportSeed(seed);
                WriteSecret(Path.Combine(staging, NostrFileName), nsec, passphrase, identity.Name, NostrFileName);
                WriteSecret(Path.Combine(staging, NKeyFileName), seed, passphrase, identity.Name, NKeyFileName);
            }
            finally
            {
                Array.Clear(nsec);
                Array.Clear(seed);
            }

            byte[] info = JsonSerializer.SerializeToUtf8Bytes(identity.PublicInfo, JsonOptions);
            await File.WriteAllBytesAsync(Path.Combine(staging, PublicFileName), info, cancellationToken).ConfigureAwait(false);

            // The rename is the commit point: the identity appears whole or not at all.
            try
            {
                Directory.Move(staging, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                throw new IdentityExistsException(identity.Name, final);
            }
        }
        finally
        {
            if (passphrase is not null)
            {
                CryptographicOperations.ZeroMemory(passphrase);
            }

            SecretFile.TryDeleteDirectory(staging);
        }

        AgentIdentityInfo created = identity.PublicInfo;
        LogCreated(_logger, created.Name, created.Npub, created.NKeyPublicKey, passphrase is not null);
    }

    private void WriteSecret(string path, char[] secret, byte[]? passphrase, string agentName, string fileName)
    {
        byte[] plain = new byte[Encoding.UTF8.GetByteCount(secret) + 1];
        try
        {
            Encoding.UTF8.GetBytes(secret, plain);
            plain[^1] = (byte)'\n';
            byte[] content = passphrase is null
                ? plain
                : KeyEnvelope.Seal(plain, passphrase, $"{agentName}/{fileName}", _options.KeyDerivation);
            SecretFile.CreateNew(path, content);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private byte[] ReadSecret(string path, string agentName)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The identity of '{agentName}' is incomplete: '{path}' is missing.", path);
        }

        byte[] content = SecretFile.ReadPrivate(path);
        if (!KeyEnvelope.IsEnvelope(content))
        {
            if (_options.RequireEncryption)
            {
                CryptographicOperations.ZeroMemory(content);
                throw new InvalidDataException($"'{path}' is not encrypted, and RequireEncryption is set. Re-create or re-import the identity with a passphrase in {DescribePassphrase()}.");
            }

            return content;
        }

        SecretSource passphraseSource = _options.ResolvePassphrase() is { } source && source.IsAvailable()
            ? source
            : throw new InvalidOperationException($"'{path}' is encrypted: set the passphrase in {DescribePassphrase()}.");
        byte[] passphrase = passphraseSource.Read();
        try
        {
            return KeyEnvelope.Open(content, passphrase, $"{agentName}/{Path.GetFileName(path)}", path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }
    }

    private static T WithSecretChars<T>(byte[] utf8, Func<char[], T> parse, string origin)
    {
        char[] chars = new char[Encoding.UTF8.GetCharCount(utf8)];
        try
        {
            Encoding.UTF8.GetChars(utf8, chars);
            return parse(chars);
        }
        catch (IdentityFormatException ex)
        {
            throw new InvalidDataException($"{origin}: {ex.Message}", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
            Array.Clear(chars);
        }
    }

    private static async Task<AgentIdentityInfo> ReadPublicInfoAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using FileStream stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<AgentIdentityInfo>(stream, JsonOptions, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"'{path}' is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' line {ex.LineNumber + 1}, field '{ex.Path}': {ex.Message}", ex);
        }
    }

    private string DescribePassphrase() =>
        _options.ResolvePassphrase()?.Description ?? $"the environment variable {IdentityStoreOptions.DefaultPassphraseVariable}";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Created identity for agent {Agent}: {Npub}, NKey {NKeyPublicKey} (encrypted: {Encrypted})")]
    private static partial void LogCreated(ILogger logger, string agent, string npub, string nKeyPublicKey, bool encrypted);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Loaded identity for agent {Agent}: {Npub}, NKey {NKeyPublicKey}")]
    private static partial void LogLoaded(ILogger logger, string agent, string npub, string nKeyPublicKey);
}

/// <summary>The agent already has a stored identity; nothing was overwritten.</summary>
public sealed class IdentityExistsException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="agentName">The agent.</param>
    /// <param name="directory">Its identity folder.</param>
    public IdentityExistsException(string agentName, string directory)
        : base($"Agent '{agentName}' already has an identity in '{directory}'; it was not overwritten. Load it instead, or remove the folder deliberately.")
    {
        AgentName = agentName;
        Directory = directory;
    }

    /// <summary>The agent.</summary>
    public string AgentName { get; }

    /// <summary>Its identity folder.</summary>
    public string Directory { get; }
}
