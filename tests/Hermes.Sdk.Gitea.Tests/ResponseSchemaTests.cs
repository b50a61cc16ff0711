namespace Hermes.Sdk.Gitea.Tests;

/// <summary>
/// The spec check every forge test runs on every response (<see cref="SpecValidatingHandler"/>) — proven to catch
/// what it must, and proven to have run.
/// </summary>
public sealed class ResponseSchemaTests
{
    private static readonly SwaggerValidator Spec = SwaggerValidator.Gitea;

    [Fact]
    public void A_conforming_body_passes() =>
        Assert.Empty(Spec.ValidateResponse("GET", "/repos/o/r/issues/1/labels", 200, """[{"id":1,"name":"ready","color":"00ff00","description":"","exclusive":false,"url":null}]"""));

    [Theory]
    [InlineData("""[{"id":1,"name":"ready","colour":"00ff00"}]""", "$[0].colour: not a property of the schema")]
    [InlineData("""[{"id":"1","name":"ready"}]""", "$[0].id: expected an integer (int64)")]
    [InlineData("""{"id":1}""", "$: expected an array, got Object")]
    [InlineData("", "/repos/{owner}/{repo}/issues/{index}/labels: empty body where the spec declares one")]
    [InlineData("not json", "/repos/{owner}/{repo}/issues/{index}/labels: not JSON")]
    public void A_body_outside_the_schema_is_reported_with_where(string body, string expected) =>
        Assert.Contains(Spec.ValidateResponse("GET", "/repos/o/r/issues/1/labels", 200, body), e => e.StartsWith(expected, StringComparison.Ordinal));

    [Fact]
    public void Formats_nested_references_and_enums_are_checked()
    {
        List<string> errors = Spec.Validate("""{"id":1,"number":2,"created_at":"yesterday","user":{"id":"x","login":"a"},"labels":[{"id":1,"name":"x","bogus":1}]}""", "Issue");

        Assert.Contains("$.created_at: 'yesterday' is not a date-time", errors);
        Assert.Contains(errors, e => e.StartsWith("$.user.id: expected an integer", StringComparison.Ordinal));
        Assert.Contains("$.labels[0].bogus: not a property of the schema", errors);
        Assert.Contains(Spec.Validate("""{"state":"great"}""", "CombinedStatus"), e => e.StartsWith("$.state: 'great' is not one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Paths_verbs_statuses_and_error_bodies_are_checked()
    {
        Assert.Equal("/repos/issues/search", Spec.FindTemplate("/repos/issues/search")); // the literal path beats /repos/{owner}/{repo}
        Assert.Equal(["/repos/o/r/nonsense matches no path of the spec"], Spec.ValidateResponse("GET", "/repos/o/r/nonsense", 200, "{}"));
        Assert.Equal(["PATCH /version is not an operation of the spec"], Spec.ValidateResponse("PATCH", "/version", 200, "{}"));
        Assert.Equal(["GET /version: status 201 is not a declared response"], Spec.ValidateResponse("GET", "/version", 201, """{"version":"1"}"""));
        Assert.Empty(Spec.ValidateResponse("GET", "/version", 401, """{"message":"token is required","url":"http://x/api/swagger"}"""));
        Assert.Contains("$.errors: not a property of the schema", Spec.ValidateResponse("GET", "/version", 500, """{"message":"x","errors":[]}"""));
        Assert.Contains(Spec.ValidateResponse("POST", "/repos/o/r/pulls/1/merge", 200, "merged"), e => e.Contains("declares no body", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_fixture_checks_every_response_its_clients_receive()
    {
        await using ForgeFixture fx = await ForgeFixture.StartAsync();
        List<long> numbers = await fx.SeedReadyAsync(2);
        await fx.Api.AddIssueLabelsByNameAsync(ForgeFixture.Owner, ForgeFixture.Repo, numbers[0], new IssueLabelNamesOption { Labels = ["ready"] });
        await fx.Client.ListIssuesAsync(ForgeFixture.Owner, ForgeFixture.Repo, labels: ["ready"]).CountAsync();
        await fx.Client.ListLabelsAsync(ForgeFixture.Owner, ForgeFixture.Repo).CountAsync();
        await fx.Client.ListTimelineAsync(ForgeFixture.Owner, ForgeFixture.Repo, numbers[0]).CountAsync();
        await fx.Api.GetCurrentUserAsync();
        await Assert.ThrowsAsync<GiteaNotFoundException>(() => fx.Api.GetIssueAsync(ForgeFixture.Owner, ForgeFixture.Repo, 99));

        Assert.True(fx.SpecChecked >= 10, $"only {fx.SpecChecked} responses were checked");
        Assert.Empty(fx.SpecViolations);
    }
}
