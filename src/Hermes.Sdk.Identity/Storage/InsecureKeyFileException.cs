namespace Hermes.Sdk.Identity.Storage;

/// <summary>
/// A secret file (or its folder) is accessible to other users, so it is refused, as ssh refuses a private key
/// with loose permissions. The message names the file and the fix.
/// </summary>
public sealed class InsecureKeyFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The offending file or folder.</param>
    /// <param name="mode">Its Unix permission bits.</param>
    /// <param name="isDirectory">Whether it is the folder that is too open.</param>
    public InsecureKeyFileException(string path, UnixFileMode mode, bool isDirectory = false)
        : base(isDirectory
            ? $"Refusing to use '{path}': the folder holding secret keys is writable by other users (mode {Octal(mode)}). Run: chmod 700 '{path}'"
            : $"Refusing to load '{path}': the secret key file is accessible by other users (mode {Octal(mode)}). A secret file must be private to its owner. Run: chmod 600 '{path}'")
    {
        Path = path;
        Mode = mode;
    }

    /// <summary>The offending file or folder.</summary>
    public string Path { get; }

    /// <summary>Its Unix permission bits.</summary>
    public UnixFileMode Mode { get; }

    internal static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
