using System.Diagnostics;
using System.Text.RegularExpressions;
using Hermes.Sdk.Gitea;
using Hermes.Sdk.TaskQueue;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Agents.Tests;

/// <summary>A wolf's burn night over fifty stale issues, with a scripted model that sometimes ignores the rubric.</summary>
public sealed partial class BurnNightTests
{
    private const string O = AgentFixture.Owner;
    private const string R = AgentFixture.Repo;

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Each_stale_issue_is_triaged_once_a_second_burn_skips_them_and_rubric_failures_are_counted_not_looped(string wire)
    {
        var attempts = new Dictionary<long, int>();
        await using AgentFixture fx = await AgentFixture.StartAsync(wire, request =>
        {
            long number = long.Parse(IssueNumber().Match(request.AllText).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (request.Results.Count == 0 || request.Results[^1].Name != "read_issue" || request.Texts.Count(t => t.Contains("not a triage in the rubric", StringComparison.Ordinal)) > CountAnswers(request))
            {
                return ScriptedReply.Call("read_issue", new { number });
            }

            lock (attempts)
            {
                attempts[number] = attempts.GetValueOrDefault(number) + 1;
            }

            string title = request.Results[^1].Content;
            bool vague = title.Contains("vague", StringComparison.Ordinal);
            bool flakyFirst = title.Contains("flaky", StringComparison.Ordinal) && attempts[number] == 1;
            return vague || flakyFirst
                ? ScriptedReply.Say("Looks old. Probably fine.")
                : ScriptedReply.Say($"Evidence:\n- #{number} has had no activity, and PR #89 touched the same code\nRecommended action: close as fixed by #89\nConfidence: medium");
        });
        for (int i = 1; i <= 52; i++)
        {
            string title = i == 7 || i == 30 ? $"vague report {i}" : i == 12 ? $"flaky report {i}" : $"stale bug {i}";
            fx.Forge.AddIssue(O, R, "wolf-1", title);
        }

        var time = new ShiftableTimeProvider { Offset = TimeSpan.FromDays(30) };
        var options = new BurnNightOptions { Owner = O, Repo = R, Agent = "wolf-1", MaxIssues = 50, MinInterval = TimeSpan.FromMilliseconds(20) };
        var entries = new List<BurnEntry>();
        var burn = new BurnNight(fx.Loop(), fx.Client, options, ["write:issue", "read:user"], timeProvider: time);

        var clock = Stopwatch.StartNew();
        BurnReport first = await burn.RunAsync(new InlineProgress(entries.Add));
        TimeSpan took = clock.Elapsed;
        Assert.Equal(first.Entries, entries); // reported as each issue was decided

        Assert.True((48, 0, 2) == (first.Triaged, first.Skipped, first.Failed), first.ToMarkdown());
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), first.Entries.Select(e => e.Number)); // oldest activity first, at most 50
        Assert.Equal([7L, 30L], first.Entries.Where(e => e.Outcome == BurnOutcome.Failed).Select(e => e.Number));
        Assert.Contains("no triage passed the rubric in two tries", first.Entries.Single(e => e.Number == 7).Reason, StringComparison.Ordinal);
        Assert.Equal(2, attempts[7]); // two tries, never a loop
        Assert.Equal(2, attempts[12]); // the flaky one passed on its second
        Assert.True(took >= TimeSpan.FromMilliseconds(47 * 20), $"48 comments spaced by 20 ms took only {took}");
        for (long n = 1; n <= 52; n++)
        {
            List<GiteaComment> comments = await fx.Client.Api.ListCommentsAsync(O, R, n);
            if (n is 7 or 30 or > 50)
            {
                Assert.Empty(comments);
                continue;
            }

            GiteaComment triage = Assert.Single(comments);
            Assert.Empty(TriageComment.Check(triage.Body));
            Assert.EndsWith(BurnNight.Marker, triage.Body, StringComparison.Ordinal);
            Assert.Contains("read_issue(number: " + n + ")", triage.Body, StringComparison.Ordinal); // the audit trail
        }

        Assert.Contains("Burn report: 48 triaged, 0 skipped, 2 failed.", first.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains($"[#1 stale bug 1]({fx.Forge.BaseUrl}", first.ToMarkdown(), StringComparison.Ordinal);

        // A month later nobody has touched them. Oldest activity first: the two failed and the two never looked at (51,
        // 52) come before the triaged ones, whose triage moved their activity; of those, the 46 oldest fill the fifty.
        time.Advance(TimeSpan.FromDays(30));
        BurnReport second = await burn.RunAsync();
        Assert.Equal((2, 46, 2), (second.Triaged, second.Skipped, second.Failed));
        Assert.Equal([51L, 52L], second.Entries.Where(e => e.Outcome == BurnOutcome.Triaged).Select(e => e.Number));
        Assert.Equal([7L, 30L], second.Entries.Where(e => e.Outcome == BurnOutcome.Failed).Select(e => e.Number));
        Assert.All(second.Entries.Where(e => e.Outcome == BurnOutcome.Skipped), e => Assert.StartsWith("triaged by wolf-1", e.Reason, StringComparison.Ordinal));
        Assert.Equal(4, attempts[7]);
        for (long n = 1; n <= 50; n++)
        {
            Assert.True((await fx.Client.Api.ListCommentsAsync(O, R, n)).Count <= 1, $"#{n} was triaged twice");
        }
    }

    [Fact]
    public async Task A_forge_that_refuses_one_comment_fails_that_issue_and_the_night_goes_on()
    {
        await using AgentFixture fx = await AgentFixture.StartAsync("openai", request => request.Results.Count == 0
            ? ScriptedReply.Call("read_issue", new { number = long.Parse(IssueNumber().Match(request.AllText).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) })
            : ScriptedReply.Say("Evidence:\n- `Api.cs` no longer has the bug\nRecommended action: close\nConfidence: high"));
        for (int i = 1; i <= 3; i++)
        {
            fx.Forge.AddIssue(O, R, "wolf-1", $"stale {i}");
        }

        fx.Forge.FailNext("POST", $"/api/v1/repos/{O}/{R}/issues/2/comments", 500);
        var options = new BurnNightOptions { Owner = O, Repo = R, Agent = "wolf-1", MinInterval = TimeSpan.Zero };
        BurnReport report = await new BurnNight(fx.Loop(), fx.Client, options, ["write:issue"], timeProvider: new ShiftableTimeProvider { Offset = TimeSpan.FromDays(30) }).RunAsync();

        Assert.Equal((2, 0, 1), (report.Triaged, report.Skipped, report.Failed));
        Assert.StartsWith("Gitea: ", report.Entries.Single(e => e.Number == 2).Reason, StringComparison.Ordinal);
    }

    /// <summary>Reports in line (Progress&lt;T&gt; posts to the thread pool, so entries could arrive after the assertions).</summary>
    private sealed class InlineProgress(Action<BurnEntry> report) : IProgress<BurnEntry>
    {
        public void Report(BurnEntry value) => report(value);
    }

    /// <summary>How many answers the model already gave in this conversation (each rubric failure adds one).</summary>
    private static int CountAnswers(ScriptedRequest request) => request.Texts.Count(t => t.StartsWith("Looks old", StringComparison.Ordinal));

    [GeneratedRegex(@"Triage issue #(\d+)")]
    private static partial Regex IssueNumber();
}
