using System.Buffers.Binary;
using System.Text;
using Hermes.Sdk.Identity.Codecs;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// Reads NIP-19's TLV entities (<c>nprofile</c>, <c>nevent</c>, <c>naddr</c>): a bech32 payload of
/// type (1 byte), length (1 byte), value records. Type 0 is the entity's subject, 1 a relay, 2 an author, 3 a kind
/// (32-bit big-endian). Unknown types are skipped, as NIP-19 asks.
/// </summary>
internal static class Nip19Tlv
{
    /// <summary>NIP-19 entities may be longer than bech32's 90 characters; nostr-tools reads up to 5,000.</summary>
    private const int MaxLength = 5000;

    private const byte Special = 0, Relay = 1, Author = 2, Kind = 3;

    public static NostrProfilePointer DecodeNprofile(ReadOnlySpan<char> text)
    {
        Records records = Read(text, Nip19.ProfilePrefix);
        byte[] key = records.Required(Special, 32, "the public key (type 0)");
        return new NostrProfilePointer(NostrPublicKey.FromBytes(key), records.Relays());
    }

    public static NostrEventPointer DecodeNevent(ReadOnlySpan<char> text)
    {
        Records records = Read(text, Nip19.EventPrefix);
        byte[] id = records.Required(Special, 32, "the event id (type 0)");
        byte[]? author = records.Optional(Author, 32, "the author (type 2)");
        byte[]? kind = records.Optional(Kind, 4, "the kind (type 3)");
        return new NostrEventPointer(
            Convert.ToHexStringLower(id),
            records.Relays(),
            author is null ? null : NostrPublicKey.FromBytes(author),
            kind is null ? null : BinaryPrimitives.ReadUInt32BigEndian(kind));
    }

    public static NostrAddressPointer DecodeNaddr(ReadOnlySpan<char> text)
    {
        Records records = Read(text, Nip19.AddressPrefix);
        byte[] identifier = records.Required(Special, -1, "the identifier (type 0)");
        byte[] author = records.Required(Author, 32, "the author (type 2)");
        byte[] kind = records.Required(Kind, 4, "the kind (type 3)");
        return new NostrAddressPointer(records.Text(identifier, "the identifier (type 0)"), NostrPublicKey.FromBytes(author), BinaryPrimitives.ReadUInt32BigEndian(kind), records.Relays());
    }

    private static Records Read(ReadOnlySpan<char> text, string hrp)
    {
        byte[] payload = [];
        text = text.Trim();
        Nip19.ThrowIfOtherEntity(text, hrp);
        string? found = Bech32.PrefixOf(text);
        string? error = found is not null && found != hrp
            ? $"expected the prefix '{hrp}1', found '{found}1'"
            : Bech32.DecodeAny(text, MaxLength, out _, out payload);

        if (error is not null)
        {
            throw new IdentityFormatException(hrp, error);
        }

        var records = new List<(byte Type, byte[] Value)>();
        for (int i = 0; i < payload.Length;)
        {
            if (i + 2 > payload.Length)
            {
                throw new IdentityFormatException(hrp, $"a TLV record at byte {i} is cut short (no length byte)");
            }

            byte type = payload[i], length = payload[i + 1];
            if (i + 2 + length > payload.Length)
            {
                throw new IdentityFormatException(hrp, $"the TLV record of type {type} at byte {i} says {length} bytes, but only {payload.Length - i - 2} follow");
            }

            records.Add((type, payload.AsSpan(i + 2, length).ToArray()));
            i += 2 + length;
        }

        return new Records(hrp, records);
    }

    private sealed class Records(string hrp, List<(byte Type, byte[] Value)> records)
    {
        public byte[] Required(byte type, int length, string what) =>
            Optional(type, length, what) ?? throw new IdentityFormatException(hrp, $"{what} is missing");

        public byte[]? Optional(byte type, int length, string what)
        {
            foreach ((byte t, byte[] value) in records)
            {
                if (t == type)
                {
                    return length < 0 || value.Length == length
                        ? value
                        : throw new IdentityFormatException(hrp, $"{what} is {value.Length} bytes; it must be {length}");
                }
            }

            return null;
        }

        public IReadOnlyList<string> Relays() =>
            [.. records.Where(r => r.Type == Relay).Select(r => Text(r.Value, "a relay (type 1)"))];

        public string Text(byte[] value, string what)
        {
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
            }
            catch (DecoderFallbackException)
            {
                throw new IdentityFormatException(hrp, $"{what} is not valid UTF-8");
            }
        }
    }
}
