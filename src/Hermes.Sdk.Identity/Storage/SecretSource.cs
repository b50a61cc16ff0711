namespace Hermes.Sdk.Identity.Storage;

/// <summary>
/// Where a secret (a key to import, a passphrase) comes from: an environment variable or a private file — never a
/// command-line argument, which other users can read from the process table.
/// </summary>
public abstract class SecretSource
{
    private protected SecretSource()
    {
    }

    /// <summary>A human-readable description for messages (never the secret itself).</summary>
    public abstract string Description { get; }

    /// <summary>A secret held in an environment variable.</summary>
    /// <param name="variable">The variable's name.</param>
    /// <returns>The source.</returns>
    public static SecretSource FromEnvironment(string variable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        return new EnvironmentSecret(variable);
    }

    /// <summary>A secret held in a file that only its owner can read (0600), as ssh requires of keys.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The source.</returns>
    public static SecretSource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new FileSecret(Path.GetFullPath(path));
    }

    /// <summary>Whether the secret is there to read.</summary>
    /// <returns><see langword="true"/> when <see cref="Read"/> would find a value.</returns>
    public abstract bool IsAvailable();

    /// <summary>
    /// Reads the secret as UTF-8 bytes, without a trailing line break. The caller owns the array and should clear it.
    /// </summary>
    /// <returns>The secret bytes.</returns>
    /// <exception cref="InvalidOperationException">The secret is not set; the message names where it was looked for.</exception>
    /// <exception cref="InsecureKeyFileException">The file is accessible by other users.</exception>
    public abstract byte[] Read();

    /// <inheritdoc />
    public override string ToString() => Description;

    private static byte[] TrimLineEnd(byte[] bytes)
    {
        int n = bytes.Length;
        while (n > 0 && bytes[n - 1] is (byte)'\n' or (byte)'\r')
        {
            n--;
        }

        if (n == bytes.Length)
        {
            return bytes;
        }

        byte[] trimmed = bytes[..n];
        Array.Clear(bytes);
        return trimmed;
    }

    private sealed class EnvironmentSecret(string variable) : SecretSource
    {
        public override string Description => $"environment variable {variable}";

        public override bool IsAvailable() => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable));

        public override byte[] Read()
        {
            string? value = Environment.GetEnvironmentVariable(variable);
            return string.IsNullOrEmpty(value)
                ? throw new InvalidOperationException($"The secret is not set: {Description} is empty or missing.")
                : TrimLineEnd(System.Text.Encoding.UTF8.GetBytes(value));
        }
    }

    private sealed class FileSecret(string path) : SecretSource
    {
        public override string Description => $"file {path}";

        public override bool IsAvailable() => File.Exists(path);

        public override byte[] Read()
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The secret is not set: {Description} does not exist.");
            }

            byte[] bytes = TrimLineEnd(SecretFile.ReadPrivate(path));
            return bytes.Length > 0 ? bytes : throw new InvalidOperationException($"The secret is not set: {Description} is empty.");
        }
    }
}
