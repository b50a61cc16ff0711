using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hermes.Sdk.TestSupport;
using Refit;

namespace Hermes.Sdk.Gitea.Tests;

/// <summary>Every client method and DTO property must exist in Gitea's official swagger (v1.26.1).</summary>
public sealed class SpecConformanceTests
{
    internal static readonly Lazy<JsonDocument> Swagger = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Specs, "gitea-swagger-v1.json"))));

    public static TheoryData<string> ApiMethods() => [.. typeof(IGiteaApi).GetMethods().Select(m => m.Name).Distinct()];

    [Theory]
    [MemberData(nameof(ApiMethods))]
    public void Every_client_method_and_path_is_in_the_spec(string methodName)
    {
        foreach (MethodInfo method in typeof(IGiteaApi).GetMethods().Where(m => m.Name == methodName))
        {
            HttpMethodAttribute http = method.GetCustomAttribute<HttpMethodAttribute>() ?? throw new InvalidOperationException($"{method.Name} has no HTTP attribute");
            string path = http.Path.Replace("{**", "{", StringComparison.Ordinal); // Refit's round-tripping {**x} is the spec's {x}
            JsonElement paths = Swagger.Value.RootElement.GetProperty("paths");
            Assert.True(paths.TryGetProperty(path, out JsonElement operations), $"{method.Name}: path {path} is not in Gitea's swagger");
            string verb = http.Method.Method.ToLowerInvariant();
            Assert.True(operations.TryGetProperty(verb, out JsonElement operation), $"{method.Name}: {verb.ToUpperInvariant()} {path} is not in Gitea's swagger");

            // Every query parameter the method sends is a parameter of that operation.
            var specParameters = operation.TryGetProperty("parameters", out JsonElement ps)
                ? ps.EnumerateArray().Select(p => (Name: p.GetProperty("name").GetString()!, In: p.GetProperty("in").GetString()!)).ToList()
                : [];
            foreach (ParameterInfo parameter in method.GetParameters())
            {
                if (parameter.ParameterType == typeof(CancellationToken) || parameter.GetCustomAttribute<BodyAttribute>() is not null || parameter.GetCustomAttribute<HeaderAttribute>() is not null)
                {
                    continue;
                }

                string name = parameter.GetCustomAttribute<AliasAsAttribute>()?.Name ?? parameter.Name!;
                string where = path.Contains($"{{{name}}}", StringComparison.Ordinal) ? "path" : "query";
                Assert.True(specParameters.Contains((name, where)), $"{method.Name}: {where} parameter '{name}' is not a parameter of {verb.ToUpperInvariant()} {path}");
            }
        }
    }

    public static TheoryData<Type> SchemaTypes() => [.. typeof(GiteaSchemaAttribute).Assembly.GetTypes().Where(t => t.GetCustomAttribute<GiteaSchemaAttribute>() is not null)];

    [Theory]
    [MemberData(nameof(SchemaTypes))]
    public void Every_DTO_property_exists_in_its_schema(Type type)
    {
        string schema = type.GetCustomAttribute<GiteaSchemaAttribute>()!.Name;
        JsonElement definitions = Swagger.Value.RootElement.GetProperty("definitions");
        Assert.True(definitions.TryGetProperty(schema, out JsonElement definition), $"{type.Name}: schema {schema} is not in the spec");
        JsonElement properties = definition.GetProperty("properties");
        JsonTypeInfo info = GiteaJsonContext.Default.GetTypeInfo(type) ?? throw new InvalidOperationException($"{type.Name} is not in GiteaJsonContext");
        Assert.NotEmpty(info.Properties);
        foreach (JsonPropertyInfo property in info.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: false) != true))
        {
            Assert.True(properties.TryGetProperty(property.Name, out _), $"{type.Name}.{property.Name}: not a property of {schema}");
        }
    }

    [Fact]
    public void The_checked_in_spec_is_the_shared_one()
    {
        if (RepoPaths.Shared is not { } shared)
        {
            return; // a clone without ../shared: the checked-in copy is the reference
        }

        foreach (string file in new[] { "gitea-swagger-v1.json", "gitea-endpoints.md", "gitea-behaviors.md", "gitea-fidelity.md" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(shared, "specs", file)), File.ReadAllText(Path.Combine(RepoPaths.Specs, file)));
        }
    }
}
