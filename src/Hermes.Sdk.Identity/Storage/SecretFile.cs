using Hermes.Sdk.Core;

namespace Hermes.Sdk.Identity.Storage;

/// <summary>Private, atomic file I/O for secrets.</summary>
internal static class SecretFile
{
    public const UnixFileMode OwnerOnlyFile = AtomicFile.OwnerOnly;
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Creates a new 0600 file (fails if it exists), flushed to disk.</summary>
    public static void CreateNew(string path, ReadOnlySpan<byte> content) => AtomicFile.CreateNew(path, content, OwnerOnlyFile);

    /// <summary>Replaces <paramref name="path"/> whole or not at all with a 0600 file (see <see cref="AtomicFile"/>).</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> content) => AtomicFile.WriteAllBytes(path, content, OwnerOnlyFile);

    /// <summary>Reads a secret file after checking that only its owner can access it.</summary>
    public static byte[] ReadPrivate(string path)
    {
        EnsurePrivate(path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Throws <see cref="InsecureKeyFileException"/> if group or others have any access to the file.</summary>
    public static void EnsurePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & OthersAny) != 0)
        {
            throw new InsecureKeyFileException(path, mode);
        }
    }

    /// <summary>Throws <see cref="InsecureKeyFileException"/> if the folder is writable by group or others.</summary>
    public static void EnsureDirectoryNotWritableByOthers(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & OthersWrite) != 0)
        {
            throw new InsecureKeyFileException(path, mode, isDirectory: true);
        }
    }

    /// <summary>Creates a folder (and parents) private to the owner.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyDirectory);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
