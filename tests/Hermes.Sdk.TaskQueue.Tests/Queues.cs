using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Tests;

namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>Task queues on the <see cref="ForgeFixture"/>'s repository.</summary>
internal static class Queues
{
    /// <summary>An agent's task queue on fleet/work.</summary>
    public static GiteaTaskQueue Queue(GiteaClient client, string agent, Action<GiteaTaskQueueOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new GiteaTaskQueueOptions { Owner = ForgeFixture.Owner, Repo = ForgeFixture.Repo, Agent = agent };
        configure?.Invoke(options);
        return new GiteaTaskQueue(client, Microsoft.Extensions.Options.Options.Create(options), null, time);
    }

    /// <summary>Claims with <paramref name="queue"/> until it answers null; the claims won, in order.</summary>
    public static async Task<List<TaskClaim>> ClaimUntilNothingAsync(GiteaTaskQueue queue)
    {
        var won = new List<TaskClaim>();
        while (await queue.ClaimNextAsync() is { } claim)
        {
            won.Add(claim);
        }

        return won;
    }
}
