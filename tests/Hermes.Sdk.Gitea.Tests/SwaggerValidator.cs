using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Gitea.Tests;

/// <summary>
/// Checks HTTP exchanges against a Swagger 2.0 document: the path and verb must be an operation of the spec, and the
/// response body must validate against the schema the spec gives for its status — every property known to the schema,
/// of the declared type and format. Error statuses must carry Gitea's <c>APIError</c> body when they carry one (the
/// spec describes error bodies as "headers", a go-swagger quirk). Nulls are accepted anywhere below the root: Go
/// marshals nil pointers and slices as null.
/// </summary>
internal sealed class SwaggerValidator
{
    private readonly JsonElement _root;
    private readonly List<(string Template, Regex Pattern, int Literals)> _paths;

    public SwaggerValidator(JsonElement root)
    {
        _root = root;
        _paths = [.. root.GetProperty("paths").EnumerateObject().Select(p => (
            p.Name,
            // {filepath} is Gitea's "*" route parameter (routers/api/v1/api.go: m.Get("/*", repo.GetContents)): it spans segments.
            new Regex("^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+}", m => m.Value.Contains("filepath", StringComparison.Ordinal) ? ".+" : "[^/]+") + "$", RegexOptions.CultureInvariant),
            Regex.Replace(p.Name, "{[^}]+}", string.Empty).Length))]; // the most literal text wins: /pulls/{index}.{diffType} over /pulls/{index}
    }

    /// <summary>Gitea's official swagger.</summary>
    public static SwaggerValidator Gitea { get; } = new(JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Specs, "gitea-swagger-v1.json"))).RootElement);

    /// <summary>The spec's path template for a concrete path under the API base (the most literal match).</summary>
    public string? FindTemplate(string apiPath) =>
        _paths.Where(p => p.Pattern.IsMatch(apiPath)).OrderByDescending(p => p.Literals).Select(p => p.Template).FirstOrDefault();

    /// <summary>Everything wrong with one response; empty when it conforms.</summary>
    public List<string> ValidateResponse(string method, string apiPath, int status, string body)
    {
        var errors = new List<string>();
        if (FindTemplate(apiPath) is not { } template)
        {
            errors.Add($"{apiPath} matches no path of the spec");
            return errors;
        }

        if (!_root.GetProperty("paths").GetProperty(template).TryGetProperty(method.ToLowerInvariant(), out JsonElement operation))
        {
            errors.Add($"{method} {template} is not an operation of the spec");
            return errors;
        }

        JsonElement? declared = operation.GetProperty("responses").TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out JsonElement r) ? Resolve(r) : null;
        if (status >= 400)
        {
            // Declared or not (Gitea answers 401 and 422 on routes whose spec omits them), an error body is an APIError.
            JsonElement? schema = declared is { } d && d.TryGetProperty("schema", out JsonElement s) ? s : Definition("APIError");
            ValidateBody(body, schema, template, errors, allowEmpty: true);
        }
        else if (declared is not { } response)
        {
            errors.Add($"{method} {template}: status {status} is not a declared response");
        }
        else if (response.TryGetProperty("schema", out JsonElement schema))
        {
            if (schema.TryGetProperty("type", out JsonElement type) && type.GetString() == "string")
            {
                // APIString (the .diff and .patch routes): plain text, not a JSON string.
                if (string.IsNullOrEmpty(body))
                {
                    errors.Add($"{template}: empty body where the spec declares one");
                }
            }
            else if (template == "/repos/{owner}/{repo}/contents/{filepath}" && method == "GET" && body.TrimStart().StartsWith('['))
            {
                // The swagger says ContentsResponse, but a directory answers a list of them
                // (routers/api/v1/repo/file.go GetContents: util.Iif[any](ret.FileContents != nil, ret.FileContents, ret.DirContents)).
                ValidateBody(body, JsonDocument.Parse("""{"type":"array","items":{"$ref":"#/definitions/ContentsResponse"}}""").RootElement, template, errors, allowEmpty: false);
            }
            else
            {
                ValidateBody(body, schema, template, errors, allowEmpty: false);
            }
        }
        else if (!string.IsNullOrWhiteSpace(body))
        {
            errors.Add($"{method} {template} {status}: the spec declares no body, got '{Clip(body)}'");
        }

        return errors;
    }

    /// <summary>Validates a JSON value against a schema.</summary>
    public List<string> Validate(string json, string definition)
    {
        var errors = new List<string>();
        ValidateBody(json, Definition(definition), definition, errors, allowEmpty: false);
        return errors;
    }

    private void ValidateBody(string body, JsonElement? schema, string where, List<string> errors, bool allowEmpty)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            if (!allowEmpty)
            {
                errors.Add($"{where}: empty body where the spec declares one");
            }

            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            errors.Add($"{where}: not JSON ({ex.Message})");
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                errors.Add($"{where}: null body");
            }
            else if (schema is { } s)
            {
                ValidateValue(document.RootElement, s, "$", errors);
            }
        }
    }

    private void ValidateValue(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        schema = Resolve(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        string? type = schema.TryGetProperty("type", out JsonElement t) ? t.GetString()
            : schema.TryGetProperty("properties", out _) ? "object"
            : null;
        string? format = schema.TryGetProperty("format", out JsonElement f) ? f.GetString() : null;
        switch (type)
        {
            case "object":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{at}: expected an object, got {value.ValueKind}");
                    return;
                }

                bool hasProperties = schema.TryGetProperty("properties", out JsonElement properties);
                JsonElement? additional = schema.TryGetProperty("additionalProperties", out JsonElement a) ? a : null;
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    if (hasProperties && properties.TryGetProperty(property.Name, out JsonElement propertySchema))
                    {
                        ValidateValue(property.Value, propertySchema, $"{at}.{property.Name}", errors);
                    }
                    else if (additional is { ValueKind: JsonValueKind.Object } additionalSchema)
                    {
                        ValidateValue(property.Value, additionalSchema, $"{at}.{property.Name}", errors);
                    }
                    else if (additional is not { ValueKind: JsonValueKind.True })
                    {
                        errors.Add($"{at}.{property.Name}: not a property of the schema");
                    }
                }

                if (schema.TryGetProperty("required", out JsonElement required))
                {
                    foreach (string name in required.EnumerateArray().Select(r => r.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
                    {
                        errors.Add($"{at}.{name}: required but missing");
                    }
                }

                break;
            case "array":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{at}: expected an array, got {value.ValueKind}");
                    return;
                }

                if (schema.TryGetProperty("items", out JsonElement items))
                {
                    int i = 0;
                    foreach (JsonElement item in value.EnumerateArray())
                    {
                        ValidateValue(item, items, $"{at}[{i++}]", errors);
                    }
                }

                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"{at}: expected a string, got {value.ValueKind}");
                    return;
                }

                string text = value.GetString()!;
                if (format == "date-time" && !(text.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
                {
                    errors.Add($"{at}: '{text}' is not a date-time");
                }

                if (format == "email" && text.Length > 0 && !text.Contains('@', StringComparison.Ordinal))
                {
                    errors.Add($"{at}: '{text}' is not an email address");
                }

                if (schema.TryGetProperty("enum", out JsonElement allowed) && !allowed.EnumerateArray().Any(e => e.GetString() == text))
                {
                    errors.Add($"{at}: '{text}' is not one of {allowed}");
                }

                break;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !(format == "uint64" ? value.TryGetUInt64(out _) : value.TryGetInt64(out _)))
                {
                    errors.Add($"{at}: expected an integer ({format ?? "int"}), got {value}");
                }

                break;
            case "number":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    errors.Add($"{at}: expected a number, got {value.ValueKind}");
                }

                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{at}: expected a boolean, got {value.ValueKind}");
                }

                break;
        }
    }

    private JsonElement Definition(string name) => _root.GetProperty("definitions").GetProperty(name);

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out JsonElement reference))
        {
            string[] parts = reference.GetString()!.TrimStart('#', '/').Split('/');
            schema = _root.GetProperty(parts[0]).GetProperty(parts[1]);
        }

        return schema;
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>
/// The real socket handler, checking every API response against Gitea's swagger as it passes. The fixture asserts
/// at the end of each test that nothing was found, so every contract, queue and race test is also a spec test.
/// </summary>
internal sealed class SpecValidatingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const string ApiBase = "/api/v1";

    public SpecValidatingHandler()
        : this(new SocketsHttpHandler())
    {
    }

    public ConcurrentQueue<string> Violations { get; } = new();

    public int Checked => _checked;

    private int _checked;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string path = request.RequestUri!.AbsolutePath;
        if (path.StartsWith(ApiBase + "/", StringComparison.Ordinal))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            foreach (string violation in SwaggerValidator.Gitea.ValidateResponse(request.Method.Method, path[ApiBase.Length..], (int)response.StatusCode, body))
            {
                if (IsKnownDeviation(request.Method.Method, path, (int)response.StatusCode))
                {
                    continue;
                }

                Violations.Enqueue($"{request.Method} {path} → {(int)response.StatusCode}: {violation}");
            }

            Interlocked.Increment(ref _checked);
        }

        return response;
    }

    /// <summary>
    /// Where real Gitea itself answers outside its swagger, as read from its source: a merge that meets a conflict
    /// serialises the Go error struct ({"Style","StdOut","StdErr","Err"}) rather than an APIError
    /// (routers/api/v1/repo/pull.go:1052-1058 at v1.26.1).
    /// </summary>
    private static bool IsKnownDeviation(string method, string path, int status) =>
        method == "POST" && status == 409 && path.EndsWith("/merge", StringComparison.Ordinal);
}
