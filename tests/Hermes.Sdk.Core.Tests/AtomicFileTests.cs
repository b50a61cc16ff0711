using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Core.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_write_replaces_the_file_whole_and_leaves_nothing_beside_it()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("nested", "config.yaml");

        AtomicFile.WriteAllText(path, "first\n");
        AtomicFile.WriteAllText(path, "second: é\n");

        Assert.Equal("second: é\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Combine("nested")));
        Assert.Equal((byte)'s', File.ReadAllBytes(path)[0]); // no byte-order mark
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("target");
        Directory.CreateDirectory(path); // a folder where the file should go: the rename fails

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(path, "content"));

        Assert.True(Directory.Exists(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_secret_is_owner_only_from_the_moment_it_exists()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions
        }

        using var dir = new TempDirectory();
        string path = dir.Combine("token");

        AtomicFile.WriteAllText(path, "s3cret", AtomicFile.OwnerOnly);
        AtomicFile.WriteAllText(path, "rotated", AtomicFile.OwnerOnly);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("rotated", File.ReadAllText(path));
    }

    [Fact]
    public void CreateNew_never_overwrites()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("once");
        AtomicFile.CreateNew(path, "a"u8);

        Assert.Throws<IOException>(() => AtomicFile.CreateNew(path, "b"u8));
        Assert.Equal("a", File.ReadAllText(path));
    }

    [Fact]
    public void Flushing_a_folder_that_cannot_be_opened_is_not_an_error()
    {
        using var dir = new TempDirectory();
        AtomicFile.FlushDirectory(dir.Path);
        AtomicFile.FlushDirectory(dir.Combine("missing"));
    }
}
