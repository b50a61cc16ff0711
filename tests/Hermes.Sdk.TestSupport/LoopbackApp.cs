using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.TestSupport;

/// <summary>The Kestrel app every loopback test server here runs on: 127.0.0.1 only, an ephemeral port, no logging.</summary>
public static class LoopbackApp
{
    /// <summary>A new app, not yet started; map its routes, then <see cref="StartAsync"/>.</summary>
    /// <returns>The app.</returns>
    public static WebApplication Create()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        return builder.Build();
    }

    /// <summary>A loopback port free now, for a server the test starts itself on a fixed address (a seed, nats-server).</summary>
    /// <returns>The port.</returns>
    public static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Starts the app; the address it listens on.</summary>
    /// <param name="app">The app.</param>
    /// <returns>Its base address, ending in a slash.</returns>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync();
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
    }
}
