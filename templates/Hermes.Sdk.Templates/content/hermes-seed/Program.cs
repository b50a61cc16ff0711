using Hermes.Sdk.Seed;

// hermes-agent-name: a Hermes seed agent. Every command (survey, identity, chain test, safety run, skills,
// gitea setup, run, doctor) lives in Hermes.Sdk.Seed; run `dotnet run -- --help` to list them.
// To change how the agent works an issue, set Work below (see SeedWork.AnswerWithTheChain for the default).
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var options = new SeedAppOptions
{
    Work = SeedWork.AnswerWithTheChain,
};

return await SeedApp.RunAsync(args, options, cancel.Token);
