using System.Text.Json;
using Hermes.Sdk.Fleet;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.Safety;
using Hermes.Sdk.TaskQueue;

namespace Hermes.Sdk.Seed;

public static partial class SeedApp
{
    /// <summary>
    /// A scheduled job that arrived on one of the seed's tiers (<see cref="SeedJobs"/>): its result is the task's
    /// output; a failure fails the task (retried by the bus, then dead-lettered) and shows in the schedule's state.
    /// </summary>
    private static async Task<JsonElement?> RunJobAsync(SeedSession s, FleetTask task, CancellationToken ct)
    {
        object result;
        switch (task.Kind)
        {
            case SeedJobs.BurnNight:
                result = (await BurnNightAsync(s, maxIssues: null, staleAfter: null, ct).ConfigureAwait(false)).Result;
                break;
            case SeedJobs.Reaper:
            {
                using GiteaClient gitea = Gitea(s, s.Config.Gitea.TokenEnvironmentVariable);
                GiteaTaskQueue queue = Queue(s, gitea);
                await queue.InitializeAsync(ct).ConfigureAwait(false);
                result = new { reaped = await queue.ReapStaleAsync(ct).ConfigureAwait(false) };
                break;
            }

            case SeedJobs.SafetyRun:
                SafetyResult safety = await RunSafetyAsync(s, samples: 3, parallel: 4, SafetyRunSettings.AutoJudge, ct).ConfigureAwait(false);
                if (!safety.Passed)
                {
                    throw new InvalidOperationException($"the nightly safety run failed: {string.Join(", ", safety.Models.Where(m => !m.Passed).Select(m => m.Model))} NOT ready to ship");
                }

                result = safety;
                break;
            default:
                throw new NotSupportedException($"'{task.Kind}' is not a job this seed does (it does: {string.Join(", ", SeedJobs.All)}).");
        }

        return JsonSerializer.SerializeToElement(result, result.GetType(), Json);
    }
}
