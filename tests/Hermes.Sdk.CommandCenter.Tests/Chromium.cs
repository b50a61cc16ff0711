using Microsoft.Playwright;

namespace Hermes.Sdk.CommandCenter.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser download is not reachable here, so the installed executable
/// is launched: <c>/usr/bin/chromium</c>, or <c>$CHROMIUM_BIN</c>), headless, with the flags a closed network needs.
/// Screenshots go to <c>TestResults/command-center/</c> beside the test assembly, kept as artifacts.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "command-center");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_BIN") is { Length: > 0 } bin ? bin : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
