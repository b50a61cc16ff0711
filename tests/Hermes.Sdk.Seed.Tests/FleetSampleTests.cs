using System.Diagnostics;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Seed.Tests;

/// <summary>samples/Hermes.Samples.Fleet, run as a process: a strategist and a wolf on a real nats-server and the loopback Gitea.</summary>
public sealed class FleetSampleTests
{
    [Fact]
    public async Task The_two_agent_fleet_sample_triages_every_issue_it_files()
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        string sample = Path.Combine(RepoPaths.Root, "samples", "Hermes.Samples.Fleet", "bin", configuration, "net10.0", "hermes-fleet-sample.dll");
        var start = new ProcessStartInfo("dotnet", [sample, "--issues", "3"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        string errors = await error;
        Assert.True(process.ExitCode == 0, output + errors);
        // It ends cleanly: every client closes before the server stops (no "Broken pipe" warning, no stack trace).
        Assert.DoesNotContain("Broken pipe", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("timmy heard: wolf-1 triaged {\"issue\":", StringComparison.Ordinal)));
        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("  wolf-1: **Evidence:**", StringComparison.Ordinal) && l.Contains("**Confidence:**", StringComparison.Ordinal)));
        Assert.Contains("roster: wolf-1 is idle", output, StringComparison.Ordinal);
    }
}
