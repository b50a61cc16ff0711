using System.Runtime.InteropServices;
using System.Text;

namespace Hermes.Sdk.Core;

/// <summary>
/// Writes a file whole or not at all: the content goes to a temporary file in the same folder, is flushed to disk
/// (fsync), and is renamed over the target; then the folder itself is flushed, so the rename survives a power loss.
/// A reader sees the old file or the new one, never half of either; on failure the temporary file is removed and the
/// target is untouched.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Read and write for the owner only (0600): key files, tokens, anything secret.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark).</summary>
    /// <param name="path">The target file; its folder is created if missing.</param>
    /// <param name="text">The content.</param>
    /// <param name="mode">The Unix permissions of the new file (default 0644 less the umask; <see cref="OwnerOnly"/> for secrets). Ignored on Windows.</param>
    public static void WriteAllText(string path, string text, UnixFileMode? mode = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, Utf8.GetBytes(text), mode);
    }

    /// <summary>Writes <paramref name="content"/>.</summary>
    /// <param name="path">The target file; its folder is created if missing.</param>
    /// <param name="content">The content.</param>
    /// <param name="mode">The Unix permissions of the new file (default 0644 less the umask; <see cref="OwnerOnly"/> for secrets). Ignored on Windows.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            CreateNew(temporary, content, mode);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        FlushDirectory(directory);
    }

    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="content"/>, failing with <see cref="IOException"/> if it
    /// exists. The permissions are set as the file is opened (no moment with wider ones) and the content is flushed to
    /// disk before returning.
    /// </summary>
    /// <param name="path">The new file.</param>
    /// <param name="content">The content.</param>
    /// <param name="mode">The Unix permissions (default 0644 less the umask). Ignored on Windows.</param>
    public static void CreateNew(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Creates a folder (and its parents) that only its owner can read, write or enter (0700 on Unix).</summary>
    /// <param name="path">The folder.</param>
    /// <returns>The folder.</returns>
    public static DirectoryInfo CreateOwnerOnlyDirectory(string path) =>
        OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>Flushes a folder's entries to disk (fsync on the folder), so a rename or creation in it is durable. A no-op on Windows.</summary>
    /// <param name="directory">The folder.</param>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Native.Open(directory, Native.ReadOnly | Native.Directory);
        if (fd < 0)
        {
            return; // a folder that cannot be opened for reading: the rename stands, only its durability is unconfirmed
        }

        try
        {
            _ = Native.Fsync(fd);
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static partial class Native
    {
        public const int ReadOnly = 0;

        // O_DIRECTORY: 0x10000 on Linux (x86-64 and arm64), 0x100000 on macOS/BSD.
        public static readonly int Directory = OperatingSystem.IsLinux() ? 0x10000 : 0x100000;

        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}
