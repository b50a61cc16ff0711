using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hermes.Sdk.Identity.Codecs;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>The outcome of checking a Nostr event.</summary>
public enum NostrEventVerification
{
    /// <summary>The id matches the content and the signature is valid for the public key.</summary>
    Valid,

    /// <summary>The id is not the hash of the event's canonical serialization (the event was altered).</summary>
    IdMismatch,

    /// <summary>The public key is not a valid x-only secp256k1 key.</summary>
    InvalidPublicKey,

    /// <summary>The signature does not verify for the id and public key.</summary>
    InvalidSignature,
}

/// <summary>
/// A NIP-01 event. Create signed events with <see cref="Create(NostrKeyPair, int, string, IReadOnlyList{IReadOnlyList{string}}?, long?)"/>,
/// read them with <see cref="Parse(string)"/>, check them with <see cref="Verify"/>.
/// </summary>
public sealed class NostrEvent
{
    private static readonly IReadOnlyList<IReadOnlyList<string>> NoTags = [];

    /// <summary>The event id: lower-case hex of SHA-256 over the canonical serialization.</summary>
    public required string Id { get; init; }

    /// <summary>The author's x-only public key, lower-case hex.</summary>
    public required string PubKey { get; init; }

    /// <summary>Unix time in seconds.</summary>
    public required long CreatedAt { get; init; }

    /// <summary>The event kind (0–65535).</summary>
    public required int Kind { get; init; }

    /// <summary>The tags: arrays of strings.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Tags { get; init; } = NoTags;

    /// <summary>The content.</summary>
    public required string Content { get; init; }

    /// <summary>The BIP-340 signature over the 32 id bytes, lower-case hex.</summary>
    public required string Sig { get; init; }

    /// <summary>Creates and signs an event with fresh auxiliary randomness.</summary>
    /// <param name="signer">The author's key pair.</param>
    /// <param name="kind">The kind (0–65535).</param>
    /// <param name="content">The content.</param>
    /// <param name="tags">The tags, or none.</param>
    /// <param name="createdAt">Unix seconds; now when omitted.</param>
    /// <returns>The signed event.</returns>
    public static NostrEvent Create(NostrKeyPair signer, int kind, string content, IReadOnlyList<IReadOnlyList<string>>? tags = null, long? createdAt = null)
    {
        Span<byte> aux = stackalloc byte[Bip340.KeyLength];
        RandomNumberGenerator.Fill(aux);
        return Create(signer, kind, content, tags, createdAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), aux);
    }

    /// <summary>Creates and signs an event with caller-supplied auxiliary randomness (all zero for reproducible signatures).</summary>
    /// <param name="signer">The author's key pair.</param>
    /// <param name="kind">The kind (0–65535).</param>
    /// <param name="content">The content.</param>
    /// <param name="tags">The tags, or none.</param>
    /// <param name="createdAt">Unix seconds.</param>
    /// <param name="auxRand">32 bytes of auxiliary randomness.</param>
    /// <returns>The signed event.</returns>
    public static NostrEvent Create(NostrKeyPair signer, int kind, string content, IReadOnlyList<IReadOnlyList<string>>? tags, long createdAt, ReadOnlySpan<byte> auxRand)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(content);
        ValidateKind(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(createdAt);
        tags = CopyTags(tags);

        string pubkey = signer.PublicKey.ToHex();
        Span<byte> id = stackalloc byte[32];
        ComputeId(pubkey, createdAt, kind, tags, content, id);
        Span<byte> sig = stackalloc byte[Bip340.SignatureLength];
        signer.Sign(id, auxRand, sig);
        return new NostrEvent
        {
            Id = Convert.ToHexStringLower(id),
            PubKey = pubkey,
            CreatedAt = createdAt,
            Kind = kind,
            Tags = tags,
            Content = content,
            Sig = Convert.ToHexStringLower(sig),
        };
    }

    /// <summary>The canonical NIP-01 serialization <c>[0,pubkey,created_at,kind,tags,content]</c> whose hash is the id.</summary>
    /// <param name="pubkey">The public key, lower-case hex.</param>
    /// <param name="createdAt">Unix seconds.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="tags">The tags.</param>
    /// <param name="content">The content.</param>
    /// <returns>The UTF-8 bytes that are hashed.</returns>
    public static byte[] SerializeForId(string pubkey, long createdAt, int kind, IReadOnlyList<IReadOnlyList<string>> tags, string content)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + content.Length);
        NostrJson.WriteCanonical(buffer, pubkey, createdAt, kind, tags, content);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The canonical serialization of this event (see <see cref="SerializeForId"/>), as a string.</summary>
    /// <returns>The serialized form.</returns>
    public string Serialize() => Encoding.UTF8.GetString(SerializeForId(PubKey, CreatedAt, Kind, Tags, Content));

    /// <summary>Recomputes the id from the event's fields (ignoring <see cref="Id"/>).</summary>
    /// <returns>The id, lower-case hex.</returns>
    public string ComputeId()
    {
        Span<byte> id = stackalloc byte[32];
        ComputeId(PubKey, CreatedAt, Kind, Tags, Content, id);
        return Convert.ToHexStringLower(id);
    }

    /// <summary>Checks the id against the fields and the signature against the id and public key.</summary>
    /// <returns>What, if anything, is wrong.</returns>
    public NostrEventVerification Verify()
    {
        Span<byte> id = stackalloc byte[32];
        ComputeId(PubKey, CreatedAt, Kind, Tags, Content, id);
        Span<byte> claimed = stackalloc byte[32];
        if (Hex.Decode(Id, claimed, lowerCaseOnly: true) is not null || !id.SequenceEqual(claimed))
        {
            return NostrEventVerification.IdMismatch;
        }

        Span<byte> pub = stackalloc byte[32];
        if (Hex.Decode(PubKey, pub, lowerCaseOnly: true) is not null)
        {
            return NostrEventVerification.InvalidPublicKey;
        }

        Span<byte> sig = stackalloc byte[Bip340.SignatureLength];
        if (Hex.Decode(Sig, sig, lowerCaseOnly: true) is not null)
        {
            return NostrEventVerification.InvalidSignature;
        }

        var point = Bip340.LiftX(pub);
        if (point is null)
        {
            return NostrEventVerification.InvalidPublicKey;
        }

        return Bip340.Verify(id, point, sig) ? NostrEventVerification.Valid : NostrEventVerification.InvalidSignature;
    }

    /// <summary>The event as a JSON object with NIP-01's string escaping, ready to send to a relay.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var w = new ArrayBufferWriter<byte>(512 + Content.Length);
        NostrJson.WriteRaw(w, "{\"id\":"u8);
        NostrJson.WriteString(w, Id);
        NostrJson.WriteRaw(w, ",\"pubkey\":"u8);
        NostrJson.WriteString(w, PubKey);
        NostrJson.WriteRaw(w, ",\"created_at\":"u8);
        NostrJson.WriteNumber(w, CreatedAt);
        NostrJson.WriteRaw(w, ",\"kind\":"u8);
        NostrJson.WriteNumber(w, Kind);
        NostrJson.WriteRaw(w, ",\"tags\":"u8);
        NostrJson.WriteTags(w, Tags);
        NostrJson.WriteRaw(w, ",\"content\":"u8);
        NostrJson.WriteString(w, Content);
        NostrJson.WriteRaw(w, ",\"sig\":"u8);
        NostrJson.WriteString(w, Sig);
        NostrJson.WriteRaw(w, "}"u8);
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    /// <summary>Reads an event from its JSON object form. Unknown members are ignored.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The event (not yet verified: call <see cref="Verify"/>).</returns>
    /// <exception cref="IdentityFormatException">The JSON is malformed or a field is missing or of the wrong shape; the message names the field.</exception>
    public static NostrEvent Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ParseUtf8(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads an event from UTF-8 JSON. Unknown members are ignored.</summary>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The event (not yet verified: call <see cref="Verify"/>).</returns>
    /// <exception cref="IdentityFormatException">The JSON is malformed or a field is missing or of the wrong shape; the message names the field.</exception>
    public static NostrEvent ParseUtf8(ReadOnlySpan<byte> utf8Json)
    {
        string? id = null, pubkey = null, content = null, sig = null;
        long? createdAt = null;
        int? kind = null;
        List<IReadOnlyList<string>>? tags = null;
        var reader = new Utf8JsonReader(utf8Json);
        string field = "event";
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new IdentityFormatException("event", "expected a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                field = "event." + reader.GetString();
                reader.Read();
                switch (field)
                {
                    case "event.id": id = ReadHex(ref reader, field, 32); break;
                    case "event.pubkey": pubkey = ReadHex(ref reader, field, 32); break;
                    case "event.sig": sig = ReadHex(ref reader, field, 64); break;
                    case "event.content": content = ReadString(ref reader, field); break;
                    case "event.created_at":
                        createdAt = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long t) && t >= 0
                            ? t
                            : throw new IdentityFormatException(field, "expected a non-negative integer (Unix seconds)");
                        break;
                    case "event.kind":
                        kind = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int k) && k is >= 0 and <= 65535
                            ? k
                            : throw new IdentityFormatException(field, "expected an integer between 0 and 65535");
                        break;
                    case "event.tags": tags = ReadTags(ref reader, field); break;
                    default: reader.Skip(); break;
                }
            }

            field = "event";
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new IdentityFormatException("event", "unexpected content after the event object");
            }
        }
        catch (JsonException ex)
        {
            throw new IdentityFormatException(field, $"malformed JSON at byte {ex.BytePositionInLine}: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw new IdentityFormatException(field, ex.Message);
        }

        return new NostrEvent
        {
            Id = id ?? throw Missing("id"),
            PubKey = pubkey ?? throw Missing("pubkey"),
            CreatedAt = createdAt ?? throw Missing("created_at"),
            Kind = kind ?? throw Missing("kind"),
            Tags = tags ?? throw Missing("tags"),
            Content = content ?? throw Missing("content"),
            Sig = sig ?? throw Missing("sig"),
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"NostrEvent(kind {Kind}, id {Id}, by {PubKey})";

    private static void ComputeId(string pubkey, long createdAt, int kind, IReadOnlyList<IReadOnlyList<string>> tags, string content, Span<byte> id)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + content.Length);
        NostrJson.WriteCanonical(buffer, pubkey, createdAt, kind, tags, content);
        SHA256.HashData(buffer.WrittenSpan, id);
    }

    private static IdentityFormatException Missing(string name) => new("event." + name, "the field is missing");

    private static string ReadString(ref Utf8JsonReader reader, string field) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new IdentityFormatException(field, "expected a string");

    private static string ReadHex(ref Utf8JsonReader reader, string field, int bytes)
    {
        string value = ReadString(ref reader, field);
        Span<byte> scratch = stackalloc byte[bytes];
        string? error = Hex.Decode(value, scratch, lowerCaseOnly: true);
        return error is null ? value : throw new IdentityFormatException(field, error);
    }

    private static List<IReadOnlyList<string>> ReadTags(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new IdentityFormatException(field, "expected an array of arrays of strings");
        }

        var tags = new List<IReadOnlyList<string>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string tagField = $"{field}[{tags.Count}]";
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new IdentityFormatException(tagField, "expected an array of strings");
            }

            var tag = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                tag.Add(ReadString(ref reader, $"{tagField}[{tag.Count}]"));
            }

            tags.Add(tag.AsReadOnly());
        }

        return tags;
    }

    private static IReadOnlyList<IReadOnlyList<string>> CopyTags(IReadOnlyList<IReadOnlyList<string>>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return NoTags;
        }

        var copy = new IReadOnlyList<string>[tags.Count];
        for (int i = 0; i < tags.Count; i++)
        {
            IReadOnlyList<string> tag = tags[i] ?? throw new ArgumentException($"Tag {i} is null.", nameof(tags));
            var items = new string[tag.Count];
            for (int j = 0; j < tag.Count; j++)
            {
                items[j] = tag[j] ?? throw new ArgumentException($"Tag {i} element {j} is null.", nameof(tags));
            }

            copy[i] = Array.AsReadOnly(items);
        }

        return Array.AsReadOnly(copy);
    }

    private static void ValidateKind(int kind)
    {
        if (kind is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "A Nostr event kind is between 0 and 65535.");
        }
    }
}
