using System.Security.Cryptography;
using System.Text.Json;
using NSec.Cryptography;

namespace Hermes.Sdk.Identity.Storage;

/// <summary>
/// Passphrase encryption of a secret file: Argon2id (memory-hard) derives a key that seals the secret with
/// XChaCha20-Poly1305. The associated data binds the ciphertext to its agent and file, so files cannot be swapped.
/// </summary>
/// <remarks>
/// Format (one JSON object): <c>{"format":"hermes-secret/v1","kdf":"argon2id","memoryKiB":…,"iterations":…,
/// "salt":"…","aead":"xchacha20poly1305","nonce":"…","ciphertext":"…"}</c>, binary fields in base64.
/// </remarks>
internal static class KeyEnvelope
{
    public const string Format = "hermes-secret/v1";
    private const int SaltLength = 16;
    private const long MaxMemoryKiB = 4L * 1024 * 1024;
    private const long MaxIterations = 64;

    public static bool IsEnvelope(ReadOnlySpan<byte> content)
    {
        content = content.TrimStart(" \t\r\n"u8);
        return content.Length > 0 && content[0] == (byte)'{';
    }

    public static byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> passphrase, string context, KeyDerivationOptions kdf)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SaltLength);
        AeadAlgorithm aead = AeadAlgorithm.XChaCha20Poly1305;
        byte[] nonce = RandomNumberGenerator.GetBytes(aead.NonceSize);
        using Key key = DeriveKey(passphrase, salt, kdf.MemorySizeKiB, kdf.Iterations);
        byte[] ciphertext = aead.Encrypt(key, nonce, AssociatedData(context), plaintext);

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("kdf", "argon2id");
            w.WriteNumber("memoryKiB", kdf.MemorySizeKiB);
            w.WriteNumber("iterations", kdf.Iterations);
            w.WriteBase64String("salt", salt);
            w.WriteString("aead", "xchacha20poly1305");
            w.WriteBase64String("nonce", nonce);
            w.WriteBase64String("ciphertext", ciphertext);
            w.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>Opens an envelope; throws <see cref="CryptographicException"/> for a wrong passphrase or a tampered file.</summary>
    public static byte[] Open(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> passphrase, string context, string path)
    {
        byte[] salt, nonce, ciphertext;
        long memoryKiB, iterations;
        try
        {
            var reader = new Utf8JsonReader(envelope);
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            JsonElement root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format
                || root.GetProperty("kdf").GetString() != "argon2id"
                || root.GetProperty("aead").GetString() != "xchacha20poly1305")
            {
                throw new InvalidDataException($"'{path}' is not a {Format} file (format, kdf or aead unknown).");
            }

            memoryKiB = root.GetProperty("memoryKiB").GetInt64();
            iterations = root.GetProperty("iterations").GetInt64();
            salt = root.GetProperty("salt").GetBytesFromBase64();
            nonce = root.GetProperty("nonce").GetBytesFromBase64();
            ciphertext = root.GetProperty("ciphertext").GetBytesFromBase64();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' is not a valid encrypted key file: {ex.Message}", ex);
        }

        if (memoryKiB is < 8 or > MaxMemoryKiB || iterations is < 1 or > MaxIterations || salt.Length != SaltLength)
        {
            throw new InvalidDataException($"'{path}' has key-derivation parameters out of range (memoryKiB {memoryKiB}, iterations {iterations}).");
        }

        AeadAlgorithm aead = AeadAlgorithm.XChaCha20Poly1305;
        if (nonce.Length != aead.NonceSize || ciphertext.Length < aead.TagSize)
        {
            throw new InvalidDataException($"'{path}' has a malformed nonce or ciphertext.");
        }

        using Key key = DeriveKey(passphrase, salt, memoryKiB, iterations);
        byte[] plaintext = GC.AllocateArray<byte>(ciphertext.Length - aead.TagSize, pinned: true);
        if (!aead.Decrypt(key, nonce, AssociatedData(context), ciphertext, plaintext))
        {
            throw new CryptographicException($"Cannot decrypt '{path}': the passphrase is wrong or the file was altered.");
        }

        return plaintext;
    }

    private static Key DeriveKey(ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> salt, long memoryKiB, long iterations)
    {
        var parameters = new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = iterations,
        };
        return PasswordBasedKeyDerivationAlgorithm.Argon2id(parameters)
            .DeriveKey(passphrase, salt, AeadAlgorithm.XChaCha20Poly1305);
    }

    private static byte[] AssociatedData(string context) => System.Text.Encoding.UTF8.GetBytes($"{Format}\n{context}");
}
