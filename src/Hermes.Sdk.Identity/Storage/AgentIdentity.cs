using Hermes.Sdk.Identity.NKeys;
using Hermes.Sdk.Identity.Nostr;

namespace Hermes.Sdk.Identity.Storage;

/// <summary>
/// An agent's self-generated identity: its Nostr key (the public "passport") and its NATS NKey (the "office badge"
/// on the fleet bus). Disposing it releases both secrets.
/// </summary>
public sealed class AgentIdentity : IDisposable
{
    /// <summary>Creates an identity from key pairs the caller owns (they are disposed with the identity).</summary>
    /// <param name="name">The agent's name.</param>
    /// <param name="nostr">The Nostr key pair.</param>
    /// <param name="nkey">The NKey (normally a <see cref="NKeyRole.User"/> key).</param>
    /// <param name="createdAt">When the identity was born.</param>
    public AgentIdentity(string name, NostrKeyPair nostr, NKeyPair nkey, DateTimeOffset createdAt)
    {
        AgentNames.Require(name);
        Name = name;
        Nostr = nostr ?? throw new ArgumentNullException(nameof(nostr));
        NKey = nkey ?? throw new ArgumentNullException(nameof(nkey));
        CreatedAt = createdAt;
    }

    /// <summary>The agent's name.</summary>
    public string Name { get; }

    /// <summary>The Nostr key pair.</summary>
    public NostrKeyPair Nostr { get; }

    /// <summary>The NATS NKey.</summary>
    public NKeyPair NKey { get; }

    /// <summary>When the identity was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The public parts, safe to print, log and share.</summary>
    public AgentIdentityInfo PublicInfo => new(Name, Nostr.PublicKey.ToNpub(), Nostr.PublicKey.ToHex(), NKey.PublicKey.Value, NKey.Role, CreatedAt);

    /// <summary>Generates a new identity: a Nostr key pair and a user NKey, both from the OS CSPRNG.</summary>
    /// <param name="name">The agent's name.</param>
    /// <param name="timeProvider">The clock (default: system).</param>
    /// <returns>The identity (not yet stored).</returns>
    public static AgentIdentity Generate(string name, TimeProvider? timeProvider = null)
    {
        AgentNames.Require(name);
        NostrKeyPair nostr = NostrKeyPair.Generate();
        try
        {
            return new AgentIdentity(name, nostr, NKeyPair.Create(NKeyRole.User), (timeProvider ?? TimeProvider.System).GetUtcNow());
        }
        catch
        {
            nostr.Dispose();
            throw;
        }
    }

    /// <summary>Shows public parts only.</summary>
    /// <returns>Name, npub and NKey public key.</returns>
    public override string ToString() => $"AgentIdentity({Name}, {Nostr.PublicKey.ToNpub()}, {NKey.PublicKey.Value})";

    /// <summary>Releases both secrets.</summary>
    public void Dispose()
    {
        Nostr.Dispose();
        NKey.Dispose();
    }
}

/// <summary>The public half of an agent identity, as stored in <c>identity.json</c>.</summary>
/// <param name="Name">The agent's name.</param>
/// <param name="Npub">The Nostr public key, NIP-19.</param>
/// <param name="NostrPublicKeyHex">The Nostr public key, hex.</param>
/// <param name="NKeyPublicKey">The NATS NKey public key.</param>
/// <param name="NKeyRole">The NKey's role.</param>
/// <param name="CreatedAt">When the identity was created.</param>
public sealed record AgentIdentityInfo(string Name, string Npub, string NostrPublicKeyHex, string NKeyPublicKey, NKeyRole NKeyRole, DateTimeOffset CreatedAt);
