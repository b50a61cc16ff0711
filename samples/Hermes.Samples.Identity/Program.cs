// Plants (or reloads) an agent's self-generated identity and proves it can sign: the blueprint's second commandment.
//   dotnet run --project samples/Hermes.Samples.Identity -- --agent timmy
// Secrets stay in $HERMES_HOME/identity/<agent>/ (0600); only public parts are printed.
using System.CommandLine;
using System.Text.Json;
using Hermes.Sdk.Identity.Nostr;
using Hermes.Sdk.Identity.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var agentOption = new Option<string>("--agent") { Description = "The agent's name (lower-case letters, digits, '-' and '_').", DefaultValueFactory = _ => "seed" };
var homeOption = new Option<DirectoryInfo?>("--home") { Description = "The Hermes home folder (default: $HERMES_HOME or ~/.hermes)." };
var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
var root = new RootCommand("Create or load an agent identity (Nostr + NATS NKey) and sign a first Nostr event with it.")
{
    agentOption,
    homeOption,
    jsonOption,
};

root.SetAction(async (parse, cancellationToken) =>
{
    string agent = parse.GetValue(agentOption)!;
    DirectoryInfo? home = parse.GetValue(homeOption);
    bool json = parse.GetValue(jsonOption);

    var services = new ServiceCollection()
        .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(json ? LogLevel.Warning : LogLevel.Information));
    services.AddHermesIdentity(o =>
    {
        o.AgentName = agent;
        if (home is not null)
        {
            o.RootDirectory = Path.Combine(home.FullName, "identity");
        }
    });

    await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    AgentIdentity identity;
    try
    {
        identity = await provider.GetRequiredService<AgentIdentityProvider>().GetIdentityAsync(cancellationToken);
    }
    catch (Exception ex) when (ex is IOException or InvalidDataException or InvalidOperationException or ArgumentException or System.Security.Cryptography.CryptographicException)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return 1;
    }

    NostrEvent hello = NostrEvent.Create(identity.Nostr, kind: 1, $"{identity.Name} is awake. Sovereign keys, no platform.", [["t", "hermes"]]);
    NostrEventVerification check = hello.Verify();
    string directory = provider.GetRequiredService<IdentityStore>().GetAgentDirectory(identity.Name);

    if (json)
    {
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            agent = identity.Name,
            directory,
            npub = identity.PublicInfo.Npub,
            nostrPublicKey = identity.PublicInfo.NostrPublicKeyHex,
            nkey = identity.PublicInfo.NKeyPublicKey,
            createdAt = identity.CreatedAt,
            firstEvent = JsonDocument.Parse(hello.ToJson()).RootElement,
            verified = check == NostrEventVerification.Valid,
        }));
    }
    else
    {
        Console.WriteLine($"agent      {identity.Name}");
        Console.WriteLine($"stored in  {directory}");
        Console.WriteLine($"npub       {identity.PublicInfo.Npub}");
        Console.WriteLine($"NATS NKey  {identity.PublicInfo.NKeyPublicKey}");
        Console.WriteLine($"born       {identity.CreatedAt:u}");
        Console.WriteLine($"first note {Nip19.EncodeNote(Convert.FromHexString(hello.Id))} ({check})");
        Console.WriteLine(hello.ToJson());
    }

    return check == NostrEventVerification.Valid ? 0 : 2;
});

return await root.Parse(args).InvokeAsync();
