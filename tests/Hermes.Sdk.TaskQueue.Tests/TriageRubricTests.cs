using Hermes.Sdk.Gitea;
using Hermes.Sdk.Gitea.Tests;
namespace Hermes.Sdk.TaskQueue.Tests;

/// <summary>The burn-night rubric: evidence, a recommended next action and a confidence level, or nothing is posted.</summary>
public sealed class TriageRubricTests
{
    private const string Complete = """
        The nightly build broke after the token rotation.

        **Evidence:**
        - CI run https://forge.local/fleet/work/actions/runs/88 fails at `dotnet restore`
        - introduced by 3f9c2ab (see #41)

        **Recommended next action:** revert 3f9c2ab and re-run the nightly.

        **Confidence:** high — reproduced twice.
        """;

    [Theory]
    [InlineData(Complete)]
    [InlineData("## Evidence\n> error CS1061: 'Foo' does not contain 'Bar'\n\n## Recommended action\nAdd the missing member.\n\n## Confidence\n70%")]
    [InlineData("Evidence: src/Hermes.Sdk.Gitea/GiteaClient.cs:120 swallows the 409\nNext action: rethrow it typed\nConfidence: 0.9")]
    [InlineData("- **Evidence**: the log in build.log shows a timeout\n- **Recommendation**: raise the attempt timeout\n- **Confidence**: low")]
    public void A_comment_with_all_three_parts_passes(string markdown) => Assert.Empty(TriageComment.Check(markdown));

    [Theory]
    [InlineData("Recommended next action: retry\nConfidence: high", "evidence (an 'Evidence:' section")]
    [InlineData("Evidence: it seems broken somehow\nRecommended next action: retry\nConfidence: high", "evidence that can be checked")]
    [InlineData("Evidence: see #12\nConfidence: high", "a recommended next action")]
    [InlineData("Evidence: see #12\nRecommended next action: TBD\nConfidence: high", "a recommended next action")]
    [InlineData("Evidence: see #12\nRecommended next action: close it", "a confidence level (a 'Confidence:' line")]
    [InlineData("Evidence: see #12\nRecommended next action: close it\nConfidence: pretty sure", "a confidence level ('pretty sure' is not one")]
    [InlineData("Evidence: see #12\nRecommended next action: close it\nConfidence: 140%", "a confidence level ('140%' is not one")]
    public void A_comment_missing_a_part_is_refused_naming_that_part(string markdown, string missing)
    {
        IReadOnlyList<string> problems = TriageComment.Check(markdown);

        Assert.Single(problems);
        Assert.StartsWith(missing, problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_comment_lacks_all_three() => Assert.Equal(3, TriageComment.Check("").Count);

    [Theory]
    [InlineData("high", TriageConfidence.High)]
    [InlineData("Medium, the logs are partial", TriageConfidence.Medium)]
    [InlineData("85%", TriageConfidence.High)]
    [InlineData("0.5", TriageConfidence.Medium)]
    [InlineData("20 %", TriageConfidence.Low)]
    public void Confidence_reads_words_and_percentages(string text, TriageConfidence expected) => Assert.Equal(expected, TriageComment.ParseConfidence(text));

    [Fact]
    public void A_composed_comment_round_trips_through_the_check()
    {
        var comment = new TriageComment(["`GET /api/v1/version` answers 502 (see #7)"], "Restart the forge container.", TriageConfidence.Medium, "Forge down.");

        string markdown = comment.ToMarkdown();

        Assert.Empty(TriageComment.Check(markdown));
        Assert.StartsWith("Forge down.\n\n**Evidence:**\n- `GET /api/v1/version`", markdown, StringComparison.Ordinal);
        Assert.EndsWith("**Confidence:** medium\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_posts_a_complete_comment_and_refuses_an_incomplete_one_without_posting()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        GiteaIssue issue = await fx.Api.CreateIssueAsync(ForgeFixture.Owner, ForgeFixture.Repo, new CreateIssueOption { Title = "nightly broke" });

        var refused = await Assert.ThrowsAsync<TriageRubricException>(() =>
            fx.Client.PostTriageCommentAsync(ForgeFixture.Owner, ForgeFixture.Repo, issue.Number, "Evidence: see #3\nConfidence: low"));
        Assert.Equal("The triage comment was not posted: it is missing a recommended next action (a 'Recommended next action:' line saying what should happen). (Parameter 'body')", refused.Message);
        Assert.Empty(await fx.Api.ListCommentsAsync(ForgeFixture.Owner, ForgeFixture.Repo, issue.Number));

        GiteaComment posted = await fx.Client.PostTriageCommentAsync(
            ForgeFixture.Owner,
            ForgeFixture.Repo,
            issue.Number,
            new TriageComment(["#3 shows the same stack trace"], "Pin the SDK to 10.0.401.", TriageConfidence.High));
        Assert.Contains("**Recommended next action:** Pin the SDK to 10.0.401.", posted.Body, StringComparison.Ordinal);
    }
}
