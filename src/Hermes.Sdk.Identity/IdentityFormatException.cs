namespace Hermes.Sdk.Identity;

/// <summary>
/// A key, signature or event text could not be decoded. The message says what was expected and what was wrong;
/// it never contains secret material.
/// </summary>
public sealed class IdentityFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">What was being decoded (for example <c>nsec</c>, <c>NKey seed</c> or an event field).</param>
    /// <param name="message">What was wrong.</param>
    public IdentityFormatException(string field, string message)
        : base($"Invalid {field}: {message}")
    {
        Field = field;
    }

    /// <summary>What was being decoded (for example <c>npub</c>, <c>NKey seed</c> or <c>event.sig</c>).</summary>
    public string Field { get; }
}
