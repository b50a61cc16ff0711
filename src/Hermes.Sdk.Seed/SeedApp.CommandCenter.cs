using System.CommandLine;
using Hermes.Sdk.CommandCenter;
using Hermes.Sdk.Fleet;
using Spectre.Console;

namespace Hermes.Sdk.Seed;

public static partial class SeedApp
{
    private static Command CommandCenterCommand(SeedAppOptions options, Option<bool> json)
    {
        var listen = new Option<string>("--listen") { Description = "Where to answer: loopback (default http://127.0.0.1:8780) or this machine's Tailscale address; anything else is refused.", DefaultValueFactory = _ => "http://127.0.0.1:8780" };
        var host = new Option<string[]>("--allowed-host") { Description = "A host name the pages may be asked for besides the address (e.g. the machine's MagicDNS name); repeat for more." };
        var file = new Option<string?>("--fleet-file") { Description = "The fleet's fleet.yaml (default: in this seed's folder or its parent)." };
        var center = new Command("command-center", "The operator's command center until Ctrl+C: brief status, agent health, review queue, cron state and the task board, read-only, from Gitea (with the token config.yaml names) and the fleet bus; each tile with its source and freshness.")
        {
            listen, host, file,
        };
        center.SetAction((parse, ct) => ExecuteAsync(options, parse.GetValue(json), async s =>
        {
            SeedFleetFile fleet = SeedFleetFile.For(s, parse.GetValue(file));
            IReadOnlyList<SeedConfig> agents = File.Exists(fleet.Path) ? fleet.Agents() : [s.Config];
            if (!Uri.TryCreate(parse.GetValue(listen), UriKind.Absolute, out Uri? address))
            {
                throw new SeedInputException($"--listen: '{parse.GetValue(listen)}' is not an absolute address such as http://127.0.0.1:8780.");
            }

            var settings = new CommandCenterOptions { Listen = address, GiteaUrl = s.Config.Gitea.Url, GiteaTokenEnvironmentVariable = s.Config.Gitea.TokenEnvironmentVariable };
            foreach (string repository in agents.Select(a => $"{a.Gitea.Owner}/{a.Gitea.Repo}").Distinct(StringComparer.Ordinal))
            {
                settings.Repositories.Add(repository);
            }

            foreach (string name in parse.GetValue(host) ?? [])
            {
                settings.AllowedHosts.Add(name);
            }

            try
            {
                settings.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new SeedInputException($"--listen: {ex.Message.Split(" (Parameter", 2)[0]}");
            }

            if (s.Config.Gitea.Url is not null && s.Env(s.Config.Gitea.TokenEnvironmentVariable) is null)
            {
                throw new SeedNotReadyException($"{s.ConfigPath}: the Gitea token variable {s.Config.Gitea.TokenEnvironmentVariable} is not set; the command center reads Gitea with that machine token and no other.");
            }

            await using FleetBus? bus = fleet.NatsUrl is null ? null : await ReaderBusAsync(s, fleet, ct).ConfigureAwait(false);
            await using CommandCenter.CommandCenter running = await CommandCenter.CommandCenter.StartAsync(settings, bus, s.Logging, cancellationToken: ct).ConfigureAwait(false);
            await s.Options.Error.WriteLineAsync($"command center: {running.Url} (Ctrl+C stops)").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            var result = new { Url = running.Url.ToString(), Repositories = settings.Repositories };
            return new SeedOutput(result, console => console.MarkupLine($"command center stopped ({Markup.Escape(running.Url.ToString())})"));
        }));
        return center;
    }
}
