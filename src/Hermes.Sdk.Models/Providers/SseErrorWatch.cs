using System.Text;

namespace Hermes.Sdk.Models.Providers;

/// <summary>
/// Passes an SSE stream through unchanged while reading its <c>data:</c> lines, and records the first error a provider
/// reports in one (an <c>error</c> object, or <c>finish_reason: "error"</c>) on the request's observation. Comment
/// lines (<c>: OPENROUTER PROCESSING</c>) are passed on and otherwise ignored.
/// </summary>
internal sealed class SseErrorWatch(Stream inner, HttpObservation observation) : Stream
{
    private readonly StringBuilder _line = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        Watch(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Watch(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Watch(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || observation.EmbeddedError is not null)
        {
            return;
        }

        Span<char> chars = stackalloc char[Encoding.UTF8.GetMaxCharCount(Math.Min(bytes.Length, 4096))];
        while (!bytes.IsEmpty)
        {
            ReadOnlySpan<byte> part = bytes[..Math.Min(bytes.Length, 4096)];
            bytes = bytes[part.Length..];
            int n = _decoder.GetChars(part, chars, flush: false);
            foreach (char c in chars[..n])
            {
                if (c != '\n')
                {
                    _line.Append(c);
                    continue;
                }

                string line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("error", StringComparison.Ordinal))
                {
                    observation.EmbeddedError ??= ProviderReportedError.Find(line[5..].Trim());
                }
            }
        }
    }
}
