using System.Diagnostics;

namespace Hermes.Sdk.Fleet.Tests;

/// <summary>Waits for something the bus delivers asynchronously, failing the test after 30 seconds.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition)
    {
        var started = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), "timed out");
            await Task.Delay(20);
        }
    }
}
