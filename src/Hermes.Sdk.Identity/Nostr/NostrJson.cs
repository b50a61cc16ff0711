using System.Buffers;
using System.Text;

namespace Hermes.Sdk.Identity.Nostr;

/// <summary>
/// The JSON string and array writer NIP-01 hashes: exactly what <c>JSON.stringify</c> emits. Only <c>"</c>, <c>\</c>
/// and U+0000–U+001F are escaped (\b \t \n \f \r short forms, other controls as lower-case <c>\u00xx</c>); lone
/// surrogates are written as lower-case <c>\udxxx</c>; everything else — emoji, U+2028, U+2029, 0x7F, HTML
/// characters — is raw UTF-8. System.Text.Json's encoders differ on all of these, so they are not used here.
/// </summary>
internal static class NostrJson
{
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    public static void WriteCanonical(IBufferWriter<byte> w, string pubkeyHex, long createdAt, int kind, IReadOnlyList<IReadOnlyList<string>> tags, string content)
    {
        WriteRaw(w, "[0,"u8);
        WriteString(w, pubkeyHex);
        WriteRaw(w, ","u8);
        WriteNumber(w, createdAt);
        WriteRaw(w, ","u8);
        WriteNumber(w, kind);
        WriteRaw(w, ","u8);
        WriteTags(w, tags);
        WriteRaw(w, ","u8);
        WriteString(w, content);
        WriteRaw(w, "]"u8);
    }

    public static void WriteTags(IBufferWriter<byte> w, IReadOnlyList<IReadOnlyList<string>> tags)
    {
        WriteRaw(w, "["u8);
        for (int i = 0; i < tags.Count; i++)
        {
            if (i > 0)
            {
                WriteRaw(w, ","u8);
            }

            IReadOnlyList<string> tag = tags[i];
            WriteRaw(w, "["u8);
            for (int j = 0; j < tag.Count; j++)
            {
                if (j > 0)
                {
                    WriteRaw(w, ","u8);
                }

                WriteString(w, tag[j]);
            }

            WriteRaw(w, "]"u8);
        }

        WriteRaw(w, "]"u8);
    }

    public static void WriteRaw(IBufferWriter<byte> w, ReadOnlySpan<byte> bytes) => w.Write(bytes);

    public static void WriteNumber(IBufferWriter<byte> w, long value)
    {
        Span<byte> span = w.GetSpan(20);
        value.TryFormat(span, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        w.Advance(written);
    }

    public static void WriteString(IBufferWriter<byte> w, string value)
    {
        WriteRaw(w, "\""u8);
        ReadOnlySpan<char> s = value;
        int runStart = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool escape = c < 0x20 || c == '"' || c == '\\';
            bool loneSurrogate = false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    i++;
                    continue;
                }

                loneSurrogate = true;
            }
            else if (char.IsLowSurrogate(c))
            {
                loneSurrogate = true;
            }

            if (!escape && !loneSurrogate)
            {
                continue;
            }

            WriteUtf8(w, s[runStart..i]);
            runStart = i + 1;
            switch (c)
            {
                case '"': WriteRaw(w, "\\\""u8); break;
                case '\\': WriteRaw(w, "\\\\"u8); break;
                case '\b': WriteRaw(w, "\\b"u8); break;
                case '\t': WriteRaw(w, "\\t"u8); break;
                case '\n': WriteRaw(w, "\\n"u8); break;
                case '\f': WriteRaw(w, "\\f"u8); break;
                case '\r': WriteRaw(w, "\\r"u8); break;
                default:
                    Span<byte> u = w.GetSpan(6);
                    u[0] = (byte)'\\';
                    u[1] = (byte)'u';
                    u[2] = HexDigits[(c >> 12) & 0xF];
                    u[3] = HexDigits[(c >> 8) & 0xF];
                    u[4] = HexDigits[(c >> 4) & 0xF];
                    u[5] = HexDigits[c & 0xF];
                    w.Advance(6);
                    break;
            }
        }

        WriteUtf8(w, s[runStart..]);
        WriteRaw(w, "\""u8);
    }

    private static void WriteUtf8(IBufferWriter<byte> w, ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return;
        }

        // The run holds no lone surrogates, so the strict encoder never substitutes.
        int max = Encoding.UTF8.GetMaxByteCount(chars.Length);
        Span<byte> span = w.GetSpan(max);
        int written = Encoding.UTF8.GetBytes(chars, span);
        w.Advance(written);
    }
}
