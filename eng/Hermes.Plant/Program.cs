using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hermes.Plant;

// Plants a Hermes seed from this repository in one go: pack the SDK and templates, install the template into a
// private hive, dotnet new hermes-seed, build with warnings as errors, and run the seed's doctor.
var agent = new Option<string>("--agent") { Description = "The agent's name.", DefaultValueFactory = _ => "timmy" };
var role = new Option<string>("--role") { Description = "strategist, worker or wolf.", DefaultValueFactory = _ => "strategist" };
var gitea = new Option<string?>("--gitea-url") { Description = "The fleet's Gitea (default: http://localhost:3000)." };
var nats = new Option<bool>("--nats") { Description = "Join the fleet bus (adds fleet.nats_url)." };
var output = new Option<string?>("--out") { Description = "Where to plant (default: artifacts/plant/<time>; never overwrites)." };
var root = new RootCommand("Plant a Hermes seed from this repository's own packages, and say what is ready and what still needs you.") { agent, role, gitea, nats, output };
root.SetAction(async (parse, ct) =>
{
    string repository = FindRepository();
    string work = parse.GetValue(output) ?? Path.Combine(repository, "artifacts", "plant", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
    var clock = Stopwatch.StartNew();
    var planter = new SeedPlanter(repository, work, new SynchronousProgress(line => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0}s] {line}")));
    string name = parse.GetValue(agent)!;
    var spec = new SeedSpec(char.ToUpperInvariant(name[0]) + name[1..].Replace("-", string.Empty, StringComparison.Ordinal), name, parse.GetValue(role)!, GiteaUrl: parse.GetValue(gitea), Nats: parse.GetValue(nats));

    await planter.PackAsync(ct);
    await planter.InstallTemplatesAsync(ct);
    string seed = await planter.InstantiateAsync(spec, ct);
    await planter.BuildAsync(seed, ct);
    Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0}s] running the seed's doctor");
    CommandResult doctor = await SeedPlanter.RunSeedAsync(seed, null, "doctor");
    Console.Write(doctor.Output);
    Console.Error.Write(doctor.Error);
    Console.WriteLine();
    Console.WriteLine($"Planted {spec.Agent} ({spec.Role}) in {seed} in {clock.Elapsed.TotalSeconds:0.0} s.");
    Console.WriteLine(doctor.ExitCode == 0
        ? "The seed is ready: cd there and run `dotnet run -- run`."
        : $"The lines marked 'needs you' are yours to do (its README walks them): cd {seed} && dotnet run -- doctor");
    return doctor.ExitCode is 0 or 1 ? 0 : doctor.ExitCode;
});
try
{
    return await root.Parse(args).InvokeAsync();
}
catch (Exception e) when (e is InvalidOperationException or IOException)
{
    // A step failed (its own output is in the message): say so plainly, without a stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static string FindRepository()
{
    for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Hermes.Sdk.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run Hermes.Plant from the Hermes.Sdk repository (dotnet run --project eng/Hermes.Plant).");
}

/// <summary>Reports on the caller's thread, so the lines keep their order.</summary>
internal sealed class SynchronousProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}
