namespace Hermes.Sdk.Agents;

/// <summary>
/// Which repository the Gitea tools work on, as whom, and the two writes that exist only when the seed's config allows
/// them: merging, and writing to the default branch. Without them a worker writes only under its own branch prefix
/// <c>hermes/&lt;agent&gt;/</c> and a strategist reviews but never merges.
/// </summary>
public sealed class GiteaToolOptions
{
    /// <summary>The repository's owner.</summary>
    public string Owner { get; set; } = string.Empty;

    /// <summary>The repository.</summary>
    public string Repo { get; set; } = string.Empty;

    /// <summary>The agent's Gitea login: its branches are <c>hermes/&lt;agent&gt;/…</c>.</summary>
    public string Agent { get; set; } = string.Empty;

    /// <summary>Offer <c>merge_pull_request</c> (strategists); a merge still needs green statuses and passes the head it checked.</summary>
    public bool AllowMerge { get; set; }

    /// <summary>Let <c>write_file</c> commit to the default branch (workers); off, it writes only to the agent's own branches.</summary>
    public bool AllowDefaultBranchWrites { get; set; }

    /// <summary>The most characters a read tool returns (a file, a diff); the rest is cut with a note. Default 60,000.</summary>
    public int MaxReadCharacters { get; set; } = 60_000;

    /// <summary>The agent's own branch prefix.</summary>
    public string BranchPrefix => $"hermes/{Agent}/";

    /// <summary>Throws unless the repository and agent are named and the read limit is positive.</summary>
    /// <exception cref="ArgumentException">The options are unusable; the message names the field.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Owner) || string.IsNullOrWhiteSpace(Repo))
        {
            throw new ArgumentException("The Gitea tools need the repository's owner and name.", nameof(Repo));
        }

        if (string.IsNullOrWhiteSpace(Agent))
        {
            throw new ArgumentException("The Gitea tools need the agent's login (its branch prefix is hermes/<agent>/).", nameof(Agent));
        }

        if (MaxReadCharacters <= 0)
        {
            throw new ArgumentException("MaxReadCharacters must be positive.", nameof(MaxReadCharacters));
        }
    }
}
