using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Core.Yaml;

/// <summary>
/// Reads a YAML document node by node and records every problem with its place, instead of stopping at the first:
/// the reader behind the seed's <c>config.yaml</c>, the model chain and a skill's front matter. Each check that fails
/// adds a <see cref="SourceProblem"/> (<c>file:line:column: field: message</c>) and answers null, so a caller reads
/// on and reports everything at once.
/// </summary>
/// <remarks>
/// Positions are 1-based and point at the node concerned: the key for an unknown or duplicated field, the value for
/// a bad value, the mapping for a missing field. <paramref name="lineOffset"/> shifts every line, for YAML embedded in
/// a larger file (a skill's front matter starts on line 2 of its <c>SKILL.md</c>).
/// </remarks>
/// <param name="file">The file (or source name) that problems name.</param>
/// <param name="lineOffset">Lines before the YAML in <paramref name="file"/>.</param>
public sealed class YamlSourceReader(string file, int lineOffset = 0)
{
    private readonly List<SourceProblem> _problems = [];

    /// <summary>The file problems name.</summary>
    public string File { get; } = file ?? throw new ArgumentNullException(nameof(file));

    /// <summary>Every problem recorded so far, in the order found.</summary>
    public IReadOnlyList<SourceProblem> Problems => _problems;

    /// <summary>Whether any recorded problem is an error.</summary>
    public bool HasErrors => _problems.Exists(p => p.IsError);

    /// <summary>
    /// Parses <paramref name="yaml"/> and returns its root mapping; a syntax error is recorded at its line and column,
    /// and a document that is not a mapping is recorded with <paramref name="expected"/>.
    /// </summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="expected">What the root should hold, for the message (for example "a mapping with 'model:' and 'fallback_providers:'").</param>
    /// <returns>The root mapping, or null.</returns>
    public YamlMappingNode? LoadMapping(string yaml, string expected)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            AddAt((int)ex.Start.Line, (int)ex.Start.Column, "(syntax)", ex.InnerException?.Message ?? ex.Message);
            return null;
        }

        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            return root;
        }

        AddAt(1, 1, "(document)", $"expected {expected}");
        return null;
    }

    /// <summary>Records a problem at <paramref name="node"/>.</summary>
    /// <param name="node">Where it is.</param>
    /// <param name="field">What it concerns.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="severity">How serious.</param>
    public void Add(YamlNode node, string field, string message, ProblemSeverity severity = ProblemSeverity.Error)
    {
        ArgumentNullException.ThrowIfNull(node);
        AddAt((int)node.Start.Line, (int)node.Start.Column, field, message, severity);
    }

    /// <summary>Records a problem at a line and column of the YAML (before the line offset).</summary>
    /// <param name="line">1-based line within the YAML.</param>
    /// <param name="column">1-based column.</param>
    /// <param name="field">What it concerns.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="severity">How serious.</param>
    public void AddAt(int line, int column, string field, string message, ProblemSeverity severity = ProblemSeverity.Error) =>
        _problems.Add(new SourceProblem(File, line + lineOffset, column, field, message) { Severity = severity });

    /// <summary>Records a problem made elsewhere (a check that needs more than one node).</summary>
    /// <param name="problem">The problem.</param>
    public void Add(SourceProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problems.Add(problem);
    }

    /// <summary>The 1-based line (with the offset) and column of <paramref name="node"/>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>Its place.</returns>
    public (int Line, int Column) PositionOf(YamlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return ((int)node.Start.Line + lineOffset, (int)node.Start.Column);
    }

    /// <summary>The value under <paramref name="key"/>, or null when <paramref name="map"/> is null or lacks it.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="key">The key.</param>
    /// <returns>The value node.</returns>
    public static YamlNode? Get(YamlMappingNode? map, string key) => Get(map, key, out _);

    /// <summary>The value under <paramref name="key"/> and its key node, or null when <paramref name="map"/> is null or lacks it.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="key">The key.</param>
    /// <param name="keyNode">The key node, for problems about the field itself.</param>
    /// <returns>The value node.</returns>
    public static YamlNode? Get(YamlMappingNode? map, string key, out YamlScalarNode? keyNode)
    {
        if (map is not null)
        {
            foreach ((YamlNode k, YamlNode v) in map.Children)
            {
                if (k is YamlScalarNode s && s.Value == key)
                {
                    keyNode = s;
                    return v;
                }
            }
        }

        keyNode = null;
        return null;
    }

    /// <summary>Whether <paramref name="node"/> is YAML's null: empty, <c>~</c> or <c>null</c>, unquoted.</summary>
    /// <param name="node">The node.</param>
    /// <returns>Whether it is null.</returns>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" };

    /// <summary>The key of each entry of <paramref name="map"/> as text (a non-scalar key reads as empty).</summary>
    /// <param name="map">The mapping.</param>
    /// <returns>Key text, key node and value node, in document order.</returns>
    public static IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map)
    {
        ArgumentNullException.ThrowIfNull(map);
        foreach ((YamlNode k, YamlNode v) in map.Children)
        {
            yield return ((k as YamlScalarNode)?.Value ?? string.Empty, k, v);
        }
    }

    /// <summary>Records every key of <paramref name="map"/> that <paramref name="allowed"/> lacks, naming the allowed ones.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="path">Its path, for the field (for example <c>chain</c>); empty at the root.</param>
    /// <param name="allowed">The allowed keys.</param>
    /// <returns>Whether every key was allowed.</returns>
    public bool RejectUnknownFields(YamlMappingNode map, string path, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        bool clean = true;
        foreach ((string key, YamlNode keyNode, YamlNode _) in Entries(map))
        {
            if (!allowed.Contains(key))
            {
                Add(keyNode, Join(path, key), $"unknown field '{key}' (expected one of: {string.Join(", ", allowed)})");
                clean = false;
            }
        }

        return clean;
    }

    /// <summary>The mapping under <paramref name="key"/>, with its unknown fields recorded; a missing one is recorded when <paramref name="required"/>.</summary>
    /// <param name="parent">The parent mapping.</param>
    /// <param name="key">The key.</param>
    /// <param name="fields">The fields the mapping may hold.</param>
    /// <param name="required">Whether it must be there.</param>
    /// <returns>The mapping, or null.</returns>
    public YamlMappingNode? Mapping(YamlMappingNode parent, string key, IReadOnlyCollection<string> fields, bool required)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(fields);
        YamlNode? node = Get(parent, key);
        if (node is YamlMappingNode map)
        {
            RejectUnknownFields(map, key, fields);
            return map;
        }

        if (node is not null && !IsNull(node))
        {
            Add(node, key, $"'{key}' must be a mapping of: {string.Join(", ", fields)}");
        }
        else if (required)
        {
            Add(node ?? parent, key, $"missing section '{key}' (fields: {string.Join(", ", fields)})");
        }

        return null;
    }

    /// <summary>The text of a scalar value; a list, a mapping or a null is recorded and answers null.</summary>
    /// <param name="node">The value node.</param>
    /// <param name="field">Its path.</param>
    /// <returns>The text, or null.</returns>
    public string? Scalar(YamlNode node, string field)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node))
        {
            return value;
        }

        Add(node, field, IsNull(node) ? "a value is required" : "expected a single value, not a list or mapping");
        return null;
    }

    /// <summary>The trimmed, non-empty text under <paramref name="key"/>; a missing one is recorded when <paramref name="required"/>.</summary>
    /// <param name="map">The mapping (null when its section was missing: nothing more is recorded).</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="key">The key.</param>
    /// <param name="required">Whether it must be there.</param>
    /// <returns>The text, or null.</returns>
    public string? Text(YamlMappingNode? map, string path, string key, bool required = false)
    {
        YamlNode? node = Get(map, key);
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node) && value.Trim().Length > 0)
        {
            return value.Trim();
        }

        if (node is not null && !(IsNull(node) && !required))
        {
            Add(node, Join(path, key), "expected a non-empty text value");
        }
        else if (node is null && required && map is not null)
        {
            Add(map, Join(path, key), $"missing field '{key}'");
        }

        return null;
    }

    /// <summary>An absolute URL under <paramref name="key"/> with one of <paramref name="schemes"/>.</summary>
    /// <param name="map">The mapping.</param>
    /// <param name="path">The mapping's path.</param>
    /// <param name="key">The key.</param>
    /// <param name="schemes">The schemes allowed (for example <c>http</c>, <c>https</c>).</param>
    /// <returns>The URL, or null.</returns>
    public Uri? Url(YamlMappingNode? map, string path, string key, params string[] schemes)
    {
        string? text = Text(map, path, key);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            return url;
        }

        Add(Get(map, key)!, Join(path, key), $"'{text}' is not a {string.Join(" or ", schemes.Select(s => s + "://"))} URL");
        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <param name="node">The value node.</param>
    /// <param name="field">Its path.</param>
    /// <param name="min">The smallest allowed.</param>
    /// <param name="max">The largest allowed.</param>
    /// <returns>The number, or null.</returns>
    public int? WholeNumber(YamlNode node, string field, int min, int max)
    {
        if (Scalar(node, field) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max)
        {
            return n;
        }

        Add(node, field, max == int.MaxValue ? $"expected a whole number of at least {min}, got '{text}'" : $"expected a whole number from {min} to {max}, got '{text}'");
        return null;
    }

    /// <summary>A duration written as <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>14d</c> or a plain number of seconds.</summary>
    /// <param name="node">The value node.</param>
    /// <param name="field">Its path.</param>
    /// <param name="allowZero">Whether zero is allowed.</param>
    /// <returns>The duration, or null.</returns>
    public TimeSpan? Duration(YamlNode node, string field, bool allowZero = false)
    {
        if (Scalar(node, field) is not { } text)
        {
            return null;
        }

        if (TryParseDuration(text, out TimeSpan value) && (allowZero || value > TimeSpan.Zero))
        {
            return value;
        }

        Add(node, field, $"expected a duration such as 30s, 500ms or 2m, got '{text}'");
        return null;
    }

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>14d</c> or a plain number of seconds.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The duration.</param>
    /// <returns>Whether it parsed to a finite, non-negative duration.</returns>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1),
            _ when text.EndsWith('m') => (text[..^1], 60),
            _ when text.EndsWith('h') => (text[..^1], 3600),
            _ when text.EndsWith('d') => (text[..^1], 86400),
            _ => (text, 1),
        };
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && amount >= 0 && !double.IsInfinity(amount))
        {
            value = TimeSpan.FromSeconds(amount * scale);
            return true;
        }

        value = default;
        return false;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
