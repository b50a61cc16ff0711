using Hermes.Sdk.Core;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Hermes.Sdk.Skills;

/// <summary>What discovery found: the skills an agent can use, and what it had to set aside.</summary>
/// <param name="Skills">One summary per name, by name.</param>
/// <param name="Diagnostics">Shadowed skills, duplicates and unreadable files.</param>
public sealed record SkillCatalog(IReadOnlyList<SkillSummary> Skills, IReadOnlyList<SourceProblem> Diagnostics);

/// <summary>A change to a skill: any of a text replacement, whole sections, a new description.</summary>
public sealed record SkillPatch
{
    /// <summary>Text to find — exactly once — in <c>SKILL.md</c>.</summary>
    public string? OldText { get; init; }

    /// <summary>What replaces <see cref="OldText"/>.</summary>
    public string? NewText { get; init; }

    /// <summary>Sections to replace (or add, at the end), by title.</summary>
    public IReadOnlyDictionary<string, string> Sections { get; init; } = new Dictionary<string, string>();

    /// <summary>A new description.</summary>
    public string? Description { get; init; }
}

/// <summary>
/// The agent's skills across several roots, loaded progressively: <see cref="DiscoverAsync"/> reads only front matter
/// (names and descriptions, for the agent's context), <see cref="ViewAsync"/> the whole skill, <see cref="ReadFileAsync"/>
/// one of its files. <see cref="CreateAsync"/>, <see cref="PatchAsync"/> and <see cref="MarkVerifiedAsync"/> write
/// atomically (a temporary file, then a rename) and keep the previous version in the skill's <c>.history/</c> folder;
/// a change that would leave the skill invalid is refused and nothing is written.
/// </summary>
public sealed partial class SkillLibrary : IDisposable
{
    private const string FileName = "SKILL.md";
    private const string HistoryFolder = ".history";
    private readonly SkillLibraryOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile SkillCatalog? _catalog;

    /// <summary>Creates the library.</summary>
    /// <param name="options">Its roots; validated here.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for verification dates and history names.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public SkillLibrary(IOptions<SkillLibraryOptions> options, ILogger<SkillLibrary>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        ValidateOptionsResult result = new SkillLibraryOptionsValidator().Validate(null, _options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SkillLibraryOptions), result.Failures);
        }

        _logger = logger ?? NullLogger<SkillLibrary>.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Runs between writing the temporary file and replacing the skill (tests simulate a crash here).</summary>
    internal Action<string>? BeforeReplace { get; set; }

    /// <summary>
    /// Finds every skill in every root, reading only front matter. When two roots define the same name, the earlier
    /// root wins and the later skill is reported as shadowed (info).
    /// </summary>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The catalog.</returns>
    public Task<SkillCatalog> DiscoverAsync(CancellationToken cancellationToken = default) => Task.Run(() => Discover(cancellationToken), cancellationToken);

    /// <summary>The summaries (from the last discovery, discovering first if needed), optionally of one category.</summary>
    /// <param name="category">Only this category.</param>
    /// <param name="cancellationToken">Cancels a first discovery.</param>
    /// <returns>The summaries.</returns>
    public async Task<IReadOnlyList<SkillSummary>> ListAsync(string? category = null, CancellationToken cancellationToken = default)
    {
        SkillCatalog catalog = _catalog ?? await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        return category is null ? catalog.Skills : [.. catalog.Skills.Where(s => string.Equals(s.Category, category, StringComparison.Ordinal))];
    }

    /// <summary>The whole skill, read and checked.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The skill and its problems.</returns>
    /// <exception cref="SkillException">No skill has that name.</exception>
    public async Task<SkillReadResult> ViewAsync(string name, CancellationToken cancellationToken = default)
    {
        SkillSummary summary = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        string text = await File.ReadAllTextAsync(summary.Path, cancellationToken).ConfigureAwait(false);
        return SkillParser.Parse(text, summary.Path, Validation());
    }

    /// <summary>Lists the files a skill carries besides <c>SKILL.md</c> (scripts, references, templates, assets).</summary>
    /// <param name="name">The skill.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Paths relative to the skill's folder, with '/'.</returns>
    public async Task<IReadOnlyList<string>> ListFilesAsync(string name, CancellationToken cancellationToken = default)
    {
        SkillSummary summary = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        string folder = Path.GetDirectoryName(summary.Path)!;
        string realFolder = RealPath(folder);

        // Never through a link: a linked folder is not entered (no loop, no escape), and a linked file is listed only
        // when its target is inside the skill's own folder.
        var files = new List<string>();
        Walk(folder, realFolder, files, depth: 0, cancellationToken);
        return [.. files
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => f != FileName && !f.StartsWith('.') && !f.Contains("/.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>One of a skill's files, by its path inside the skill's folder (no escaping the folder).</summary>
    /// <param name="name">The skill.</param>
    /// <param name="relativePath">E.g. <c>scripts/check.sh</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The file's text.</returns>
    /// <exception cref="SkillException">The path leaves the skill's folder or does not exist.</exception>
    public async Task<string> ReadFileAsync(string name, string relativePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        SkillSummary summary = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        string folder = Path.GetFullPath(Path.GetDirectoryName(summary.Path)!) + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(folder, relativePath));
        if (!full.StartsWith(folder, StringComparison.Ordinal) || Path.IsPathRooted(relativePath))
        {
            throw new SkillException($"'{relativePath}' is outside the skill '{name}'.");
        }

        // The real file, every link resolved, must be inside the skill's real folder: a link cannot lead out of it.
        if (File.Exists(full) && !IsInside(RealPath(full), RealPath(folder)))
        {
            throw new SkillException($"'{relativePath}' is a link to a file outside the skill '{name}'; it is not read.");
        }

        return File.Exists(full) ? await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false) : throw new SkillException($"skill '{name}' has no file '{relativePath}' (its files: {string.Join(", ", await ListFilesAsync(name, cancellationToken).ConfigureAwait(false))}).");
    }

    /// <summary>Creates a skill in the write root (or <paramref name="root"/>), refusing a name already used in any root.</summary>
    /// <param name="draft">The skill.</param>
    /// <param name="root">The root's name; default <see cref="SkillLibraryOptions.WriteRoot"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The created skill.</returns>
    /// <exception cref="SkillException">The name is taken, or the skill would not validate (nothing is written).</exception>
    public async Task<Skill> CreateAsync(SkillDraft draft, string? root = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        SkillRoot target = _options.Roots.FirstOrDefault(r => r.Name == (root ?? _options.WriteRoot ?? _options.Roots[0].Name))
            ?? throw new SkillException($"no root named '{root}'.");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SkillCatalog catalog = Discover(cancellationToken);
            if (catalog.Skills.FirstOrDefault(s => s.Name == draft.Name) is { } existing)
            {
                throw new SkillException($"a skill named '{draft.Name}' already exists at {existing.Path}; patch it instead.");
            }

            string folder = Path.Combine([target.Path, .. draft.Category is null ? Array.Empty<string>() : [draft.Category], draft.Name]);
            string path = Path.GetFullPath(Path.Combine(folder, FileName));
            string text = SkillWriter.Render(draft);
            Skill skill = Checked(text, path);
            Directory.CreateDirectory(folder);
            Write(path, text);
            _catalog = null;
            LogCreated(draft.Name, path);
            return skill;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Patches a skill; the previous version stays in its <c>.history/</c> folder.</summary>
    /// <param name="name">The skill.</param>
    /// <param name="patch">The change.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The patched skill.</returns>
    /// <exception cref="SkillException">The old text is not found exactly once, or the result would not validate (nothing is written).</exception>
    public async Task<Skill> PatchAsync(string name, SkillPatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return await ChangeAsync(name, text =>
        {
            if (patch.OldText is { Length: > 0 } old)
            {
                int count = CountOccurrences(text, old);
                text = count == 1 ? text.Replace(old, patch.NewText ?? string.Empty, StringComparison.Ordinal)
                    : throw new SkillException(count == 0 ? $"the text to replace is not in skill '{name}'." : $"the text to replace appears {count} times in skill '{name}'; include more of the surrounding text.");
            }

            foreach ((string title, string content) in patch.Sections)
            {
                text = ReplaceSection(text, title, content);
            }

            return patch.Description is { } description ? EditFrontMatter(text, root => root.Children[new YamlScalarNode("description")] = new YamlScalarNode(description)) : text;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that the skill's Verification steps passed: sets <c>metadata.last-verified</c>.</summary>
    /// <param name="name">The skill.</param>
    /// <param name="date">The date; default today (UTC).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The skill.</returns>
    public Task<Skill> MarkVerifiedAsync(string name, DateOnly? date = null, CancellationToken cancellationToken = default)
    {
        string day = (date ?? DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return ChangeAsync(name, text => EditFrontMatter(text, root =>
        {
            if (!root.Children.TryGetValue(new YamlScalarNode("metadata"), out YamlNode? node) || node is not YamlMappingNode metadata)
            {
                metadata = [];
                root.Children[new YamlScalarNode("metadata")] = metadata;
            }

            metadata.Children[new YamlScalarNode(SkillFrontMatter.LastVerifiedKey)] = new YamlScalarNode(day);
        }), cancellationToken);
    }

    /// <summary>
    /// Runs the skill's verification (your code: the agent follows the Verification steps) and, when it passes, records
    /// today as <c>last-verified</c>.
    /// </summary>
    /// <param name="name">The skill.</param>
    /// <param name="verify">Follows the Verification steps; true when they pass.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>Whether the verification passed (and the date was bumped).</returns>
    public async Task<bool> VerifyAsync(string name, Func<Skill, CancellationToken, Task<bool>> verify, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verify);
        Skill skill = (await ViewAsync(name, cancellationToken).ConfigureAwait(false)).Skill ?? throw new SkillException($"skill '{name}' cannot be read.");
        if (!await verify(skill, cancellationToken).ConfigureAwait(false))
        {
            LogVerificationFailed(name);
            return false;
        }

        await MarkVerifiedAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The saved previous versions of a skill, newest first.</summary>
    /// <param name="name">The skill.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Their paths.</returns>
    public async Task<IReadOnlyList<string>> HistoryAsync(string name, CancellationToken cancellationToken = default)
    {
        SkillSummary summary = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        string history = Path.Combine(Path.GetDirectoryName(summary.Path)!, HistoryFolder);
        return Directory.Exists(history) ? [.. Directory.EnumerateFiles(history, "SKILL.*.md").OrderDescending(StringComparer.Ordinal)] : [];
    }

    /// <summary>Puts the newest saved version back (the current one is saved in turn, so this too can be undone).</summary>
    /// <param name="name">The skill.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The restored skill.</returns>
    public async Task<Skill> RestorePreviousAsync(string name, CancellationToken cancellationToken = default)
    {
        if (await HistoryAsync(name, cancellationToken).ConfigureAwait(false) is not [string previous, ..])
        {
            throw new SkillException($"skill '{name}' has no earlier version.");
        }

        string text = await File.ReadAllTextAsync(previous, cancellationToken).ConfigureAwait(false);
        return await ChangeAsync(name, _ => text, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Skill> ChangeAsync(string name, Func<string, string> change, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SkillSummary summary = Discover(cancellationToken).Skills.FirstOrDefault(s => s.Name == name) ?? throw NotFound(name);
            string before = await File.ReadAllTextAsync(summary.Path, cancellationToken).ConfigureAwait(false);
            string text = change(before);
            Skill skill = Checked(text, summary.Path, SectionsLacking(before, summary.Path));
            Write(summary.Path, text);
            _catalog = null;
            LogPatched(name, summary.Path);
            return skill;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Parses text as the skill at <paramref name="path"/> (once, with the blueprint's sections required) and refuses it
    /// when it has errors. A new skill (<paramref name="lackingBefore"/> null) must have all four sections. A changed one
    /// may still lack the sections it lacked before (an imported skill), but never take away a section it had: that is
    /// how a patch would quietly turn a maintained skill into an unmaintainable one.
    /// </summary>
    /// <param name="text">The skill's new text.</param>
    /// <param name="path">Where it goes.</param>
    /// <param name="lackingBefore">For a change, the sections the skill lacked before it (<see cref="SectionsLacking"/>); null for a new skill.</param>
    private Skill Checked(string text, string path, HashSet<string>? lackingBefore = null)
    {
        SkillReadResult result = SkillParser.Parse(text, path, Strict());
        SourceProblem[] errors = [.. result.Diagnostics.Where(d => d.Severity == ProblemSeverity.Error && (lackingBefore is null || !IsSectionProblem(d)))];
        if (result.Skill is null || errors.Length > 0)
        {
            throw new SkillException($"refused: the skill at {path} would not be valid; nothing was written.", errors);
        }

        SourceProblem[] lost = lackingBefore is null ? [] : [.. result.Diagnostics.Where(d => IsSectionProblem(d) && !lackingBefore.Contains(Section(d)))];
        return lost.Length == 0 ? result.Skill : throw new SkillException($"refused: the change would remove or empty a section the skill at {path} has; nothing was written.", lost);
    }

    /// <summary>The blueprint sections a skill's text lacks or leaves empty.</summary>
    private HashSet<string> SectionsLacking(string text, string path) =>
        [.. SkillParser.Parse(text, path, Strict()).Diagnostics.Where(IsSectionProblem).Select(Section)];

    private SkillValidationOptions Strict()
    {
        SkillValidationOptions strict = Validation();
        strict.RequireBlueprintSections = true;
        return strict;
    }

    private static bool IsSectionProblem(SourceProblem problem) => problem.Code is "SKILL010" or "SKILL011";

    // "no '## Steps' section", "the '## Steps' section is empty" → "## Steps"
    private static string Section(SourceProblem problem) => problem.Message.Split('\'')[1];

    /// <summary>The current version to .history/, then the new text written whole (temporary file, fsync, rename, fsync the folder).</summary>
    private void Write(string path, string text)
    {
        string folder = Path.GetDirectoryName(path)!;
        if (File.Exists(path))
        {
            string history = Directory.CreateDirectory(Path.Combine(folder, HistoryFolder)).FullName;
            string stamp = _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfffffff", CultureInfo.InvariantCulture);
            int sequence = 0;
            string saved;
            while (File.Exists(saved = Path.Combine(history, $"SKILL.{stamp}.{sequence:D3}.md")))
            {
                sequence++;
            }

            File.Copy(path, saved, overwrite: false);
        }

        BeforeReplace?.Invoke(path);
        AtomicFile.WriteAllText(path, text);
    }

    private async Task<SkillSummary> FindAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        SkillCatalog catalog = _catalog ?? await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        return catalog.Skills.FirstOrDefault(s => s.Name == name)
            ?? (await DiscoverAsync(cancellationToken).ConfigureAwait(false)).Skills.FirstOrDefault(s => s.Name == name)
            ?? throw NotFound(name);
    }

    private SkillValidationOptions Validation() => new() { StaleAfter = _options.StaleAfter, TimeProvider = _time };

    private static SkillException NotFound(string name) => new($"no skill named '{name}'.");

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Replaces a <c>## </c> section's content (or appends the section).</summary>
    private static string ReplaceSection(string text, string title, string content)
    {
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        int heading = Array.FindIndex(lines, l => l.StartsWith("## ", StringComparison.Ordinal) && string.Equals(l[3..].Trim(), title, StringComparison.OrdinalIgnoreCase));
        string block = content.Trim().ReplaceLineEndings("\n");
        if (heading < 0)
        {
            return text.TrimEnd('\n') + $"\n\n## {title}\n\n{block}\n";
        }

        int next = Array.FindIndex(lines, heading + 1, l => l.StartsWith("# ", StringComparison.Ordinal) || l.StartsWith("## ", StringComparison.Ordinal));
        IEnumerable<string> after = next < 0 ? [] : ["", .. lines[next..]];
        return string.Join("\n", [.. lines[..(heading + 1)], "", block, .. after]).TrimEnd('\n') + "\n";
    }

    /// <summary>Edits the front matter through YAML's own model, keeping every field it does not touch.</summary>
    private static string EditFrontMatter(string text, Action<YamlMappingNode> edit)
    {
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        int close = lines.Length > 0 && lines[0].TrimEnd() == "---" ? Array.FindIndex(lines, 1, l => l.TrimEnd() == "---") : -1;
        if (close < 0)
        {
            throw new SkillException("the skill's front matter cannot be edited: it is missing or never closed.");
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(string.Join("\n", lines[1..close])));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        edit(root);
        string written = SkillWriter.ToYaml(stream);
        return "---\n" + written + "\n" + string.Join("\n", lines[close..]);
    }

    /// <inheritdoc />
    public void Dispose() => _writeLock.Dispose();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Created skill {Name} at {Path}.")]
    private partial void LogCreated(string name, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Patched skill {Name} at {Path}; the previous version is in .history/.")]
    private partial void LogPatched(string name, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The Verification steps of skill {Name} failed; its last-verified date is unchanged. Patch it.")]
    private partial void LogVerificationFailed(string name);
}
