using System.Security.Cryptography;
using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.Identity.Nostr;
using Hermes.Sdk.Identity.Storage;
using Hermes.Sdk.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hermes.Sdk.Identity.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class IdentityStoreTests : IDisposable
{
    private static readonly KeyDerivationOptions FastKdf = new() { MemorySizeKiB = KeyDerivationOptions.MinimumMemorySizeKiB, Iterations = 2 };
    private readonly TempDirectory _temp = new();
    private readonly string _passphraseVariable = "HERMES_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_passphraseVariable, null);
        _temp.Dispose();
    }

    [Fact]
    public async Task Create_writes_private_files_and_load_returns_the_same_keys()
    {
        var store = NewStore();
        using AgentIdentity created = await store.CreateAsync("timmy");
        string dir = store.GetAgentDirectory("timmy");

        Assert.Equal(SecretFile.OwnerOnlyDirectory, File.GetUnixFileMode(dir));
        Assert.Equal(SecretFile.OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dir, IdentityStore.NostrFileName)));
        Assert.Equal(SecretFile.OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dir, IdentityStore.NKeyFileName)));
        Assert.StartsWith("nsec1", File.ReadAllText(Path.Combine(dir, IdentityStore.NostrFileName)), StringComparison.Ordinal);
        Assert.StartsWith("SU", File.ReadAllText(Path.Combine(dir, IdentityStore.NKeyFileName)), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(store.RootDirectory, ".*"));

        using AgentIdentity loaded = await store.LoadAsync("timmy");
        Assert.Equal(created.Nostr.PublicKey, loaded.Nostr.PublicKey);
        Assert.Equal(created.NKey.PublicKey, loaded.NKey.PublicKey);
        Assert.Equal(NKeyRole.User, loaded.NKey.Role);
        Assert.Equal(created.PublicInfo, await store.GetPublicInfoAsync("timmy"));
        Assert.Equal(["timmy"], (await store.ListAsync()).Select(i => i.Name));

        byte[] msg = RandomNumberGenerator.GetBytes(32);
        Assert.True(created.Nostr.PublicKey.Verify(msg, loaded.Nostr.Sign(msg)));
        Assert.True(created.NKey.Verify(msg, loaded.NKey.Sign(msg)));
    }

    [Fact]
    public async Task Create_never_overwrites_an_existing_identity()
    {
        var store = NewStore();
        using AgentIdentity first = await store.CreateAsync("wolf-1");
        await Assert.ThrowsAsync<IdentityExistsException>(() => store.CreateAsync("wolf-1"));
        using AgentIdentity again = await store.LoadAsync("wolf-1");
        Assert.Equal(first.Nostr.PublicKey, again.Nostr.PublicKey);

        using AgentIdentity same = await store.LoadOrCreateAsync("wolf-1");
        Assert.Equal(first.NKey.PublicKey, same.NKey.PublicKey);
    }

    [Theory]
    [InlineData(IdentityStore.NostrFileName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(IdentityStore.NKeyFileName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(IdentityStore.NKeyFileName, UnixFileMode.UserRead | UnixFileMode.OtherWrite)]
    public async Task A_secret_file_others_can_access_is_refused_with_the_file_and_the_fix(string file, UnixFileMode mode)
    {
        var store = NewStore();
        (await store.CreateAsync("timmy")).Dispose();
        string path = Path.Combine(store.GetAgentDirectory("timmy"), file);
        File.SetUnixFileMode(path, mode);

        var ex = await Assert.ThrowsAsync<InsecureKeyFileException>(() => store.LoadAsync("timmy"));
        Assert.Equal(path, ex.Path);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 '{path}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(InsecureKeyFileException.Octal(mode), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_0644_secret_file_message_reads_as_ssh_would()
    {
        var store = NewStore();
        (await store.CreateAsync("timmy")).Dispose();
        string path = Path.Combine(store.GetAgentDirectory("timmy"), IdentityStore.NostrFileName);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        var ex = await Assert.ThrowsAsync<InsecureKeyFileException>(() => store.LoadAsync("timmy"));
        Assert.Equal($"Refusing to load '{path}': the secret key file is accessible by other users (mode 0644). A secret file must be private to its owner. Run: chmod 600 '{path}'", ex.Message);
    }

    [Fact]
    public async Task A_folder_others_can_write_is_refused()
    {
        var store = NewStore();
        (await store.CreateAsync("timmy")).Dispose();
        string dir = store.GetAgentDirectory("timmy");
        File.SetUnixFileMode(dir, SecretFile.OwnerOnlyDirectory | UnixFileMode.OtherWrite);
        var ex = await Assert.ThrowsAsync<InsecureKeyFileException>(() => store.LoadAsync("timmy"));
        Assert.Contains($"chmod 700 '{dir}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passphrase_encrypts_both_files_and_is_needed_to_load()
    {
        Environment.SetEnvironmentVariable(_passphraseVariable, "correct horse battery staple");
        var store = NewStore(o => o.PassphraseEnvironmentVariable = _passphraseVariable);
        using AgentIdentity created = await store.CreateAsync("timmy");
        string dir = store.GetAgentDirectory("timmy");
        foreach (string file in new[] { IdentityStore.NostrFileName, IdentityStore.NKeyFileName })
        {
            string text = File.ReadAllText(Path.Combine(dir, file));
            Assert.Contains("\"format\": \"hermes-secret/v1\"", text, StringComparison.Ordinal);
            Assert.Contains("argon2id", text, StringComparison.Ordinal);
            Assert.DoesNotContain("nsec1", text, StringComparison.Ordinal);
            Assert.Equal(SecretFile.OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dir, file)));
        }

        using (AgentIdentity loaded = await store.LoadAsync("timmy"))
        {
            Assert.Equal(created.Nostr.PublicKey, loaded.Nostr.PublicKey);
            Assert.Equal(created.NKey.PublicKey, loaded.NKey.PublicKey);
        }

        Environment.SetEnvironmentVariable(_passphraseVariable, "wrong");
        var wrong = await Assert.ThrowsAsync<CryptographicException>(() => store.LoadAsync("timmy"));
        Assert.Contains("passphrase is wrong or the file was altered", wrong.Message, StringComparison.Ordinal);

        Environment.SetEnvironmentVariable(_passphraseVariable, null);
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => store.LoadAsync("timmy"));
        Assert.Contains(_passphraseVariable, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypted_files_cannot_be_swapped_between_agents()
    {
        Environment.SetEnvironmentVariable(_passphraseVariable, "one passphrase for both");
        var store = NewStore(o => o.PassphraseEnvironmentVariable = _passphraseVariable);
        (await store.CreateAsync("alpha")).Dispose();
        (await store.CreateAsync("beta")).Dispose();
        File.Copy(Path.Combine(store.GetAgentDirectory("alpha"), IdentityStore.NKeyFileName), Path.Combine(store.GetAgentDirectory("beta"), IdentityStore.NKeyFileName), overwrite: true);
        await Assert.ThrowsAsync<CryptographicException>(() => store.LoadAsync("beta"));
    }

    [Fact]
    public async Task Passphrase_file_must_be_private_too()
    {
        string file = _temp.Combine("passphrase");
        File.WriteAllText(file, "from a file\n");
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        var store = NewStore(o => o.PassphraseFile = file);
        await Assert.ThrowsAsync<InsecureKeyFileException>(() => store.CreateAsync("timmy"));
        Assert.False(store.Exists("timmy"));

        File.SetUnixFileMode(file, SecretFile.OwnerOnlyFile);
        using AgentIdentity created = await store.CreateAsync("timmy");
        using AgentIdentity loaded = await store.LoadAsync("timmy");
        Assert.Equal(created.Nostr.PublicKey, loaded.Nostr.PublicKey);
    }

    [Fact]
    public async Task RequireEncryption_refuses_plaintext_both_ways()
    {
        var plain = NewStore();
        (await plain.CreateAsync("timmy")).Dispose();
        var strict = NewStore(o => { o.RequireEncryption = true; o.PassphraseEnvironmentVariable = _passphraseVariable; });
        await Assert.ThrowsAsync<InvalidOperationException>(() => strict.CreateAsync("wolf-1"));
        Assert.False(strict.Exists("wolf-1"));
        await Assert.ThrowsAsync<InvalidDataException>(() => strict.LoadAsync("timmy"));
    }

    [Fact]
    public async Task Import_reads_secrets_from_environment_or_private_file()
    {
        using var nostr = NostrKeyPair.Generate();
        using var nkey = NKeyPair.Create();
        var nsec = new char[63];
        nostr.ExportNsec(nsec);
        var seed = new char[58];
        nkey.ExportSeed(seed);
        string variable = "HERMES_TEST_NSEC_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, new string(nsec));
        string seedFile = _temp.Combine("agent.nk");
        SecretFile.CreateNew(seedFile, System.Text.Encoding.ASCII.GetBytes(new string(seed) + "\n"));
        try
        {
            var store = NewStore();
            using AgentIdentity imported = await store.ImportAsync("timmy", SecretSource.FromEnvironment(variable), SecretSource.FromFile(seedFile));
            Assert.Equal(nostr.PublicKey, imported.Nostr.PublicKey);
            Assert.Equal(nkey.PublicKey, imported.NKey.PublicKey);
            using AgentIdentity loaded = await store.LoadAsync("timmy");
            Assert.Equal(nkey.PublicKey, loaded.NKey.PublicKey);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Import_of_a_malformed_secret_names_the_source_and_hides_the_value()
    {
        string variable = "HERMES_TEST_BAD_" + Guid.NewGuid().ToString("N");
        const string almost = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe6";
        Environment.SetEnvironmentVariable(variable, almost);
        string seedFile = _temp.Combine("agent.nk");
        SecretFile.CreateNew(seedFile, "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY"u8);
        try
        {
            var store = NewStore();
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.ImportAsync("timmy", SecretSource.FromEnvironment(variable), SecretSource.FromFile(seedFile)));
            Assert.Contains(variable, ex.Message, StringComparison.Ordinal);
            Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(almost, ex.Message, StringComparison.Ordinal);
            Assert.False(store.Exists("timmy"));
            Assert.False(Directory.Exists(store.GetAgentDirectory("timmy")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Tampered_public_file_is_reported_with_file_and_field()
    {
        var store = NewStore();
        (await store.CreateAsync("timmy")).Dispose();
        using var other = NostrKeyPair.Generate();
        string path = Path.Combine(store.GetAgentDirectory("timmy"), IdentityStore.PublicFileName);
        AgentIdentityInfo info = await store.GetPublicInfoAsync("timmy");
        File.WriteAllText(path, File.ReadAllText(path).Replace(info.Npub, other.PublicKey.ToNpub(), StringComparison.Ordinal));
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAsync("timmy"));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'npub'", ex.Message, StringComparison.Ordinal);

        File.WriteAllText(path, "{\n  \"name\": \"timmy\",\n  \"createdAt\": 42\n}");
        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAsync("timmy"));
        Assert.Contains("line 3", bad.Message, StringComparison.Ordinal);
        Assert.Contains("createdAt", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_identity_says_where_it_looked()
    {
        var store = NewStore();
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => store.LoadAsync("nobody"));
        Assert.Contains(store.RootDirectory, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("Timmy")]
    [InlineData("")]
    [InlineData("-dash")]
    [InlineData("a/b")]
    public async Task Agent_names_that_could_escape_the_store_are_rejected(string name)
    {
        var store = NewStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(name));
    }

    [Fact]
    public async Task ToString_and_logs_never_contain_secrets()
    {
        var sink = new CollectingLoggerProvider();
        using ILoggerFactory factory = sink.CreateFactory();
        var store = new IdentityStore(new IdentityStoreOptions { RootDirectory = _temp.Combine("ids") }, factory.CreateLogger<IdentityStore>());
        using AgentIdentity identity = await store.CreateAsync("timmy");
        (await store.LoadAsync("timmy")).Dispose();

        var nsec = new char[63];
        identity.Nostr.ExportNsec(nsec);
        var seed = new char[58];
        identity.NKey.ExportSeed(seed);
        var secretHex = new byte[32];
        identity.Nostr.ExportSecretKey(secretHex);
        string[] secrets = [new string(nsec), new string(seed), Convert.ToHexStringLower(secretHex), new string(seed, 2, 20)];

        string[] shown = [identity.ToString(), identity.Nostr.ToString(), identity.NKey.ToString(), identity.PublicInfo.ToString(), .. sink.Everything];
        Assert.NotEmpty(sink.Messages);
        Assert.Contains(sink.Messages, m => m.Contains(identity.PublicInfo.Npub, StringComparison.Ordinal));
        foreach (string text in shown)
        {
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task AddHermesIdentity_validates_options_at_start_and_provides_the_agent_identity()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHermesIdentity(o =>
        {
            o.RootDirectory = _temp.Combine("ids");
            o.AgentName = "timmy";
        });
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            var identities = provider.GetRequiredService<AgentIdentityProvider>();
            AgentIdentity first = await identities.GetIdentityAsync();
            Assert.Same(first, await identities.GetIdentityAsync());
            Assert.True(provider.GetRequiredService<IdentityStore>().Exists("timmy"));
        }

        var bad = new ServiceCollection().AddLogging();
        bad.AddHermesIdentity(o =>
        {
            o.AgentName = "Not Valid";
            o.KeyDerivation.MemorySizeKiB = 1024;
        });
        await using ServiceProvider badProvider = bad.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<IdentityStoreOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.StartsWith("AgentName:", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MemorySizeKiB", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_root_is_under_hermes_home()
    {
        string previous = Environment.GetEnvironmentVariable(IdentityStoreOptions.HermesHomeVariable) ?? string.Empty;
        try
        {
            Environment.SetEnvironmentVariable(IdentityStoreOptions.HermesHomeVariable, _temp.Combine("home"));
            Assert.Equal(_temp.Combine("home", "identity"), new IdentityStoreOptions().ResolveRootDirectory());
            Environment.SetEnvironmentVariable(IdentityStoreOptions.HermesHomeVariable, null);
            Assert.Equal(
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hermes", "identity"),
                new IdentityStoreOptions().ResolveRootDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable(IdentityStoreOptions.HermesHomeVariable, previous.Length == 0 ? null : previous);
        }
    }

    private IdentityStore NewStore(Action<IdentityStoreOptions>? configure = null)
    {
        var options = new IdentityStoreOptions
        {
            RootDirectory = _temp.Combine("ids"),
            PassphraseEnvironmentVariable = "HERMES_TEST_UNSET_" + Guid.NewGuid().ToString("N"),
            KeyDerivation = FastKdf,
        };
        configure?.Invoke(options);
        return new IdentityStore(options);
    }
}
