using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.TaskQueue;

/// <summary>Questions asked of an issue's labels on every candidate and every claim: no allocation.</summary>
internal static class LabelLists
{
    /// <summary>Whether a label of that name is on the list (any of its ids, should the name be duplicated).</summary>
    public static bool Has(this IReadOnlyList<GiteaLabel> labels, string name)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i].Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many labels on the list start with <paramref name="prefix"/>.</summary>
    public static int CountStartingWith(this IReadOnlyList<GiteaLabel> labels, string prefix)
    {
        int count = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            count += labels[i].Name.StartsWith(prefix, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }
}
