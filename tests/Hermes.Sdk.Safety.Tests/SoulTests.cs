using System.Diagnostics;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Safety.Tests;

/// <summary>The soul: pinned by hash ("the code changes, the soul does not") and verified by a signed git tag.</summary>
public sealed class SoulTests
{
    internal const string SoulText = "# Soul\n\nI tell the truth. I protect the people I serve. I never help anyone hurt themselves.\n";

    [Fact]
    public void A_pinned_soul_matches_and_any_change_is_reported_loudly()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("SOUL.md"), SoulText);
        Soul soul = Soul.Load(dir.Combine("SOUL.md"));
        Assert.Equal(SoulPinStatus.Unpinned, SoulLock.Check(soul).Status);

        string lockPath = SoulLock.Pin(soul);

        Assert.Equal(dir.Combine("SOUL.lock"), lockPath);
        Assert.Contains($"sha256 {soul.Sha256} SOUL.md", File.ReadAllText(lockPath), StringComparison.Ordinal);
        Assert.Equal(SoulPinStatus.Pinned, SoulLock.Check(soul).Status);

        File.WriteAllText(dir.Combine("SOUL.md"), SoulText + "Unless someone asks nicely.\n");
        SoulPinCheck drift = SoulLock.Check(Soul.Load(dir.Combine("SOUL.md")));
        Assert.Equal(SoulPinStatus.Drifted, drift.Status);
        Assert.StartsWith("SOUL DRIFT: the soul's sha256 is ", drift.Message, StringComparison.Ordinal);
        Assert.Contains($"pins {soul.Sha256}", drift.Message, StringComparison.Ordinal);

        var ex = Assert.Throws<SoulException>(() => Conscience.Load(new SafetyOptions { SoulPath = dir.Combine("SOUL.md") }));
        Assert.StartsWith("SOUL DRIFT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_lock_names_its_file_line_and_field()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("SOUL.md"), SoulText);
        File.WriteAllText(dir.Combine("SOUL.lock"), "# pinned\n\nsha256 not-a-hash SOUL.md\n");

        var ex = Assert.Throws<SoulException>(() => SoulLock.Check(Soul.Load(dir.Combine("SOUL.md"))));

        Assert.Equal($"{dir.Combine("SOUL.lock")}:3:1: sha256: expected 'sha256 <64 hex digits> SOUL.md', found 'sha256 not-a-hash SOUL.md'.", ex.Message);
    }

    [Fact]
    public void A_missing_or_empty_soul_is_refused_and_an_unpinned_one_only_when_pins_are_required()
    {
        using var dir = new TempDirectory();
        Assert.Contains("the soul file does not exist", Assert.Throws<SoulException>(() => Soul.Load(dir.Combine("SOUL.md"))).Message, StringComparison.Ordinal);
        File.WriteAllText(dir.Combine("SOUL.md"), "  \n");
        Assert.EndsWith("the soul file is empty.", Assert.Throws<SoulException>(() => Soul.Load(dir.Combine("SOUL.md"))).Message, StringComparison.Ordinal);

        File.WriteAllText(dir.Combine("SOUL.md"), SoulText);
        Assert.Contains("is not pinned", Assert.Throws<SoulException>(() => Conscience.Load(new SafetyOptions { SoulPath = dir.Combine("SOUL.md") })).Message, StringComparison.Ordinal);
        Assert.NotNull(Conscience.Load(new SafetyOptions { SoulPath = dir.Combine("SOUL.md"), RequirePinnedSoul = false }));
    }

    [Fact]
    public async Task A_signed_tag_is_verified_and_its_absence_or_a_change_since_is_reported_clearly()
    {
        using var dir = new TempDirectory();
        string repo = dir.Combine("agent");
        Directory.CreateDirectory(repo);
        File.WriteAllText(Path.Combine(repo, "SOUL.md"), SoulText);

        Assert.Equal(SoulTagStatus.NotInRepository, (await SoulTag.VerifyAsync(Soul.Load(Path.Combine(repo, "SOUL.md")))).Status);

        // A real repository, signed with an SSH key (git's gpg.format=ssh), verified against an allowed-signers file.
        Run(dir.Path, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "owner@fleet", "-f", dir.Combine("owner_key"));
        File.WriteAllText(dir.Combine("allowed_signers"), "owner@fleet " + File.ReadAllText(dir.Combine("owner_key.pub")));
        Git(repo, "init", "-q");
        Git(repo, "config", "user.name", "Owner");
        Git(repo, "config", "user.email", "owner@fleet");
        Git(repo, "config", "gpg.format", "ssh");
        Git(repo, "config", "user.signingkey", dir.Combine("owner_key"));
        Git(repo, "config", "gpg.ssh.allowedSignersFile", dir.Combine("allowed_signers"));
        Git(repo, "add", "SOUL.md");
        Git(repo, "commit", "-q", "-m", "soul");
        Assert.Equal(SoulTagStatus.NoTag, (await SoulTag.VerifyAsync(Soul.Load(Path.Combine(repo, "SOUL.md")))).Status);

        Git(repo, "tag", "-a", "soul-v0", "-m", "unsigned soul");
        SoulTagCheck unsigned = await SoulTag.VerifyAsync(Soul.Load(Path.Combine(repo, "SOUL.md")));
        Assert.Equal((SoulTagStatus.NotSigned, "soul-v0"), (unsigned.Status, unsigned.Tag));

        Thread.Sleep(1100); // tags sort by creation date, to the second
        Git(repo, "tag", "-s", "soul-v1", "-m", "the soul, signed");
        SoulTagCheck verified = await SoulTag.VerifyAsync(Soul.Load(Path.Combine(repo, "SOUL.md")));
        Assert.Equal((SoulTagStatus.Verified, "soul-v1"), (verified.Status, verified.Tag));
        Assert.Contains("Good \"git\" signature for owner@fleet", verified.Detail, StringComparison.Ordinal);

        File.AppendAllText(Path.Combine(repo, "SOUL.md"), "And one more thing.\n");
        SoulTagCheck changed = await SoulTag.VerifyAsync(Soul.Load(Path.Combine(repo, "SOUL.md")));
        Assert.Equal(SoulTagStatus.SoulChangedSinceTag, changed.Status);
        Assert.Equal("SOUL.md differs from the version signed in soul-v1", changed.Detail);

        File.WriteAllText(dir.Combine("allowed_signers"), string.Empty); // the signer is no longer trusted
        File.WriteAllText(Path.Combine(repo, "SOUL.md"), SoulText);
        Assert.Equal(SoulTagStatus.BadSignature, (await SoulTag.VerifyAsync(Soul.Load(Path.Combine(repo, "SOUL.md")))).Status);
    }

    private static void Git(string repo, params string[] arguments) => Run(repo, "git", arguments);

    private static void Run(string directory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {error}");
    }
}
