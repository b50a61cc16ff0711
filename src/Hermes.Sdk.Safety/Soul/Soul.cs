using System.Security.Cryptography;
using System.Text;

namespace Hermes.Sdk.Safety;

/// <summary>
/// The agent's conscience: <c>SOUL.md</c>, read once and identified by the SHA-256 of its bytes. "One soul, many
/// hands": whichever model answers, the conscience middleware puts this text first.
/// </summary>
public sealed class Soul
{
    private Soul(string path, string text, string sha256)
    {
        Path = path;
        Text = text;
        Sha256 = sha256;
    }

    /// <summary>Where it was read from.</summary>
    public string Path { get; }

    /// <summary>Its text.</summary>
    public string Text { get; }

    /// <summary>The lower-case hex SHA-256 of the file's bytes.</summary>
    public string Sha256 { get; }

    /// <summary>Reads a soul file.</summary>
    /// <param name="path">The <c>SOUL.md</c> path.</param>
    /// <returns>The soul.</returns>
    /// <exception cref="SoulException">The file is missing, empty or not UTF-8.</exception>
    public static Soul Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new SoulException($"{full}: the soul file does not exist. Every agent needs a SOUL.md — its values, written once, in plain words.");
        }

        byte[] bytes = File.ReadAllBytes(full);
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException ex)
        {
            throw new SoulException($"{full}: not valid UTF-8 ({ex.Message}).", ex);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new SoulException($"{full}: the soul file is empty.");
        }

        return new Soul(full, text, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>A soul from text (tests, embedded souls); its path is <c>(inline)</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The soul.</returns>
    public static Soul FromText(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return new Soul("(inline)", text, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path} (sha256 {Sha256[..12]}…)";
}

/// <summary>A soul that cannot be read, or that drifted from its pin.</summary>
public sealed class SoulException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    public SoulException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="inner">The cause.</param>
    public SoulException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
