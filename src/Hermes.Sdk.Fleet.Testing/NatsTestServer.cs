using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Hermes.Sdk.Fleet.Testing;

/// <summary>
/// A real <c>nats-server</c> (Debian package <c>nats-server</c>, or <c>$NATS_SERVER_BIN</c>) on a loopback port,
/// with an optional JetStream store in a private temporary folder, for testing fleets (and for samples). It can be
/// killed and started again on the same port and store, to test recovery.
/// </summary>
public sealed partial class NatsTestServer : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hermes-nats-").FullName;
    private readonly string _configBody;
    private readonly bool _jetStream;
    private Process? _process;
    private readonly List<string> _log = [];

    private NatsTestServer(string configBody, bool jetStream)
    {
        _configBody = configBody;
        _jetStream = jetStream;
    }

    /// <summary>The client port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The client URL.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The server's log lines so far.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Starts a server with extra configuration (for example <see cref="NKeyAuthorization"/>).</summary>
    /// <param name="configBody">Extra nats-server configuration.</param>
    /// <param name="jetStream">Whether to enable JetStream with a file store in the server's temporary folder.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">nats-server is not installed, or exited.</exception>
    public static async Task<NatsTestServer> StartAsync(string configBody = "", bool jetStream = false, CancellationToken cancellationToken = default)
    {
        var server = new NatsTestServer(configBody, jetStream);
        try
        {
            await server.StartProcessAsync(port: -1, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An <c>authorization</c> block admitting exactly these NKey users (public keys, never seeds).</summary>
    /// <param name="publicKeys">The users' public NKeys (<c>U…</c>).</param>
    /// <returns>The configuration text.</returns>
    public static string NKeyAuthorization(params IEnumerable<string> publicKeys) =>
        $"authorization {{ users = [ {string.Join(", ", publicKeys.Select(k => $"{{ nkey: \"{k}\" }}"))} ] }}";

    /// <summary>Kills the server process abruptly (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    /// <summary>Starts the server again on the same port and store.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => StartProcessAsync(Port, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartProcessAsync(int port, CancellationToken cancellationToken)
    {
        string binary = Environment.GetEnvironmentVariable("NATS_SERVER_BIN") is { Length: > 0 } custom ? custom : FindOnPath("nats-server")
            ?? throw new InvalidOperationException("nats-server is not installed: the fleet and identity tests start a real server. Install it (Debian: apt-get install -y nats-server) or set NATS_SERVER_BIN.");

        string config = Path.Combine(_dir, "nats.conf");
        string store = Path.Combine(_dir, "jetstream").Replace("\\", "/", StringComparison.Ordinal);
        File.WriteAllText(config, $$"""
            listen: "127.0.0.1:{{port}}"
            {{(_jetStream ? $"jetstream {{ store_dir: \"{store}\", max_memory_store: 64MB, max_file_store: 512MB }}" : string.Empty)}}
            {{_configBody}}
            """);

        var start = new ProcessStartInfo(binary, ["-c", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nats-server could not be started.");
        _process?.Dispose();
        _process = process;
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_log)
            {
                _log.Add(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } m)
            {
                ready.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        process.ErrorDataReceived += OnLine;
        process.OutputDataReceived += OnLine;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("nats-server exited:\n" + string.Join('\n', Log)));
        process.EnableRaisingEvents = true;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        Port = await ready.Task.WaitAsync(timeout.Token);
        if (_jetStream)
        {
            // The listening line precedes "Server is ready"; wait for JetStream to have recovered its store.
            while (!Log.Any(l => l.Contains("Server is ready", StringComparison.Ordinal)))
            {
                await Task.Delay(20, timeout.Token);
            }
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [GeneratedRegex(@"Listening for client connections on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
