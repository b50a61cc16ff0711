using Hermes.Sdk.Seed;

// hermes-agent-name: a Hermes seed agent. Every command (survey, identity, chain test, safety run, skills,
// gitea setup, run, fleet, doctor) lives in Hermes.Sdk.Seed; run `dotnet run -- --help` to list them.
// The agent does its role's work (SeedWork.ByRole). To change how it works an issue, set Work below.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var options = new SeedAppOptions
{
    Work = SeedWork.ByRole,
};

return await SeedApp.RunAsync(args, options, cancel.Token);
