namespace Hermes.Sdk.TestSupport;

/// <summary>Locations in the repository, found from the test binary's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding Hermes.Sdk.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The known-answer vectors checked into tests/vectors.</summary>
    public static string Vectors => Path.Combine(Root, "tests", "vectors");

    /// <summary>Gitea's official swagger and the notes beside it, checked into tests/specs (copies of ../shared/specs).</summary>
    public static string Specs => Path.Combine(Root, "tests", "specs");

    /// <summary>The Node.js interop peers (tests/interop).</summary>
    public static string Interop => Path.Combine(Root, "tests", "interop");

    /// <summary>The project's shared folder beside the clone (../shared), when present.</summary>
    public static string? Shared
    {
        get
        {
            string path = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(path) ? path : null;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hermes.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Hermes.Sdk.sln not found above {AppContext.BaseDirectory}.");
    }
}
