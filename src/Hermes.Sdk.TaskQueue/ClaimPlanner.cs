using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hermes.Sdk.Gitea;

namespace Hermes.Sdk.TaskQueue;

/// <summary>A ready issue to try to claim; <see cref="Theirs"/> when it is in another agent's share of the list.</summary>
internal readonly record struct ClaimCandidate(GiteaIssue Issue, bool Theirs);

/// <summary>
/// Which ready issues an agent tries to claim, in what order: the planner that spreads a fleet over the ready list so
/// its agents rarely write to the same issue (see <see cref="GiteaTaskQueueOptions.SpreadClaims"/>).
/// </summary>
internal sealed class ClaimPlanner(GiteaClient client, GiteaTaskQueueOptions options, QueueLabels labels, TimeProvider time)
{
    /// <summary>
    /// The smallest page the ready list is read by. Sharing it out, the fleet's agents use pages of about the list's
    /// length over the fleet's size (up to the forge's largest page): every agent derives the same size from the same
    /// counts, so their pages line up, and a share costs few reads.
    /// </summary>
    private const int CandidatePage = 10;

    /// <summary>How long read candidates are trusted; older ones are read afresh instead of written to blindly.</summary>
    private static readonly TimeSpan CandidateLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<ClaimCandidate> _candidates = new();
    private long _candidatesReadAt;
    private long _readyTotal = -1;
    private int _pageSize = CandidatePage;
    private int _homeRound;
    private long _roundStartedAt;
    private bool _leftToOwners;
    private bool _steppedBack;

    /// <summary>The next candidate, if any is held; candidates read too long ago are dropped first.</summary>
    public bool TryTake(out ClaimCandidate candidate)
    {
        if (time.GetElapsedTime(Volatile.Read(ref _candidatesReadAt)) > CandidateLifetime)
        {
            _candidates.Clear();
        }

        return _candidates.TryDequeue(out candidate);
    }

    /// <summary>A claim was won.</summary>
    public void Won() => Volatile.Write(ref _steppedBack, false);

    /// <summary>
    /// The claim on <paramref name="candidate"/> met another (or the issue was no longer ready): decides what of the
    /// held candidates is still worth trying.
    /// </summary>
    public async Task SteppedBackAsync(ClaimCandidate candidate, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _steppedBack, true);
        if (!options.SpreadClaims || candidate.Theirs)
        {
            // Without spreading everyone goes for the oldest first, and helping with another's share met its owner
            // or another helper: either way the rest of these candidates are contended. Read the queue afresh.
            _candidates.Clear();
        }
        else if (await RosterChangedAsync(cancellationToken).ConfigureAwait(false))
        {
            // Lost on its own page, and the fleet is not what this agent paged the list for (agents that start
            // together each read the roster before all the others are on it): every page it holds may be another's.
            // A new round pages the list afresh. Otherwise it was a helper, and the rest of the page is still good.
            _candidates.Clear();
            Volatile.Write(ref _roundStartedAt, 0);
        }
    }

    /// <summary>
    /// Reads claim candidates so that a fleet rarely writes to the same issue. With
    /// <see cref="GiteaTaskQueueOptions.SpreadClaims"/> the agents share out the ready list by pages: the fleet's roster is
    /// the claim labels in the repository, and the agent ranked <c>r</c> of <c>n</c> reads pages <c>r+1</c>,
    /// <c>r+1+n</c>, … oldest issue first. With its own pages used up, one single-issue read of a random other agent's
    /// page says whether its owner has more than half of it to go; if so, the agent helps with that page's newer half.
    /// Otherwise it answers "nothing for now", and asked again, reads the list from its oldest end. Without spreading,
    /// everyone reads the oldest page, oldest first.
    /// </summary>
    /// <returns>False when no ready, unclaimed issue is left for this agent now.</returns>
    public async Task<bool> RefillAsync(CancellationToken cancellationToken)
    {
        if (!options.SpreadClaims)
        {
            // Oldest first — but after stepping back from a contest, in this agent's own shuffle of the oldest page, or
            // every contender would meet again on the same issue.
            CandidateOrder order = Volatile.Read(ref _steppedBack) ? CandidateOrder.Theirs : CandidateOrder.OldestFirst;
            if (EnqueueCandidates(await ReadReadyPageAsync(PageCount(), cancellationToken).ConfigureAwait(false), order))
            {
                return true;
            }

            // The oldest page is all claimed (claimed issues keep `ready` until started): read on, the client filters.
            await labels.RefreshAsync(createMissing: false, cancellationToken).ConfigureAwait(false);
            return EnqueueCandidates(await ScanReadyAsync(cancellationToken).ConfigureAwait(false), CandidateOrder.OldestFirst);
        }

        if (time.GetElapsedTime(Volatile.Read(ref _roundStartedAt)) > CandidateLifetime && await StartRoundAsync(cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        while (NextHomePage() is { } page)
        {
            if (EnqueueCandidates(await ReadReadyPageAsync(page, cancellationToken).ConfigureAwait(false), CandidateOrder.OldestFirst))
            {
                return true;
            }
        }

        // Own pages done. What is left in the others' pages is theirs to finish — every issue taken from under an owner
        // costs it a lost race, as its own candidates still hold it — unless the owner has more than half its page to go:
        // one issue read says so (see BehindOwnerAsync), and then this agent helps with the newer half of that page.
        // Stragglers still there after this agent answered "nothing for now" once may have lost their owner, so then
        // they are fair game: the list is read from its oldest end (Gitea's label filter is ALL-of, so "ready and no
        // claim" cannot be asked of it; the client filters).
        if (await BehindOwnerAsync(cancellationToken).ConfigureAwait(false) is { } theirs
            && EnqueueCandidates(await ReadTheirsAsync(theirs, cancellationToken).ConfigureAwait(false), CandidateOrder.Theirs))
        {
            return true;
        }

        bool owed = Volatile.Read(ref _leftToOwners);
        if (owed && EnqueueCandidates(await ScanReadyAsync(cancellationToken).ConfigureAwait(false), CandidateOrder.Theirs))
        {
            return true;
        }

        // Nothing for this agent now. Next time a new round starts (the fleet and the list may have changed since), and
        // what may have been left to others now (the agent did not look) is fair game then.
        Volatile.Write(ref _leftToOwners, !owed);
        Volatile.Write(ref _roundStartedAt, 0);
        return false;
    }

    /// <summary>
    /// A new round of this agent's own pages (new work lands on them too): learns who is in the fleet now and how long
    /// the ready list is, so that every agent derives the same pages. The first own page, read at the forge's largest size,
    /// also tells how long the list is: a list long enough to give every agent full pages is paged at that size, and
    /// that read is the round's first page; a shorter one is shared out in pages of its length over the fleet's size.
    /// </summary>
    /// <returns>Whether the round's first read found candidates.</returns>
    private async Task<bool> StartRoundAsync(CancellationToken cancellationToken)
    {
        // The roster is read even just after the queue's initialisation read the labels: agents that start together each
        // initialise before all the others are on it, and pages laid out for a fleet an agent has not fully seen cross
        // others' pages (contenders that all step back leave an issue to whoever comes back to it).
        await labels.RefreshAsync(createMissing: false, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _roundStartedAt, time.GetTimestamp());

        int max = await client.GetMaxPageSizeAsync(cancellationToken).ConfigureAwait(false);
        (int rank, int fleet) = FleetPlace();
        List<GiteaIssue> first = await ReadReadyPageAsync(rank + 1, cancellationToken, max).ConfigureAwait(false);
        long total = Math.Max(0, Volatile.Read(ref _readyTotal));
        int share = (int)Math.Min(int.MaxValue - 1, (total + fleet - 1) / fleet);
        share += share % 2; // even, so that the newer half of a page can be read on its own
        int size = Math.Clamp(share, CandidatePage, max);
        Volatile.Write(ref _pageSize, size);
        if (size < max)
        {
            Volatile.Write(ref _homeRound, 0);
            return false;
        }

        Volatile.Write(ref _homeRound, 1);
        return EnqueueCandidates(first, CandidateOrder.OldestFirst);
    }

    /// <summary>
    /// Helping with another agent's page, whose owner works from its oldest end: only the page's newer half is read (the
    /// list runs newest first, so that is the first half at half the page size, when the size is even), and of that
    /// the newer half of what is still claimable is taken.
    /// </summary>
    private async Task<IEnumerable<GiteaIssue>> ReadTheirsAsync(int page, CancellationToken cancellationToken)
    {
        int size = PageSize;
        return NewerHalf(size % 2 == 0
            ? await ReadReadyPageAsync((2 * page) - 1, cancellationToken, size / 2).ConfigureAwait(false)
            : await ReadReadyPageAsync(page, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Of the claimable issues in another agent's share, the newer half: its owner works from the oldest end.</summary>
    private IEnumerable<GiteaIssue> NewerHalf(IEnumerable<GiteaIssue> theirs)
    {
        List<GiteaIssue> claimable = [.. theirs.Where(options.IsClaimable).OrderByDescending(i => i.Number)];
        return claimable.Take((claimable.Count + 1) / 2);
    }

    /// <summary>This agent's next own page of the ready list, or null when they are used up.</summary>
    private int? NextHomePage()
    {
        (int rank, int fleet) = FleetPlace();
        int round = Interlocked.Increment(ref _homeRound) - 1;
        long page = rank + 1 + ((long)round * fleet);

        // Before the first read the length of the queue is unknown: read the first own page and learn it.
        return Volatile.Read(ref _readyTotal) < 0 ? (round == 0 ? (int)page : null)
            : page <= PageCount() ? (int)page
            : null;
    }

    private enum CandidateOrder
    {
        /// <summary>By issue number: the order work was filed.</summary>
        OldestFirst,

        /// <summary>Another agent's share: in this agent's own stable shuffle, so helpers rarely pick the same issue.</summary>
        Theirs,
    }

    /// <summary>
    /// Another agent's page, picked at random, whose owner still has more than half of it to go — or null. The owner
    /// works from the page's oldest end, so the newest issue of its older half is the last of that half it takes: one
    /// read of that single issue (a page of one) tells, as cheaply as a count.
    /// </summary>
    private async Task<int?> BehindOwnerAsync(CancellationToken cancellationToken)
    {
        (int rank, int fleet) = FleetPlace();
        int pages = PageCount();
        int others = pages - ((pages - rank + fleet - 1) / fleet); // pages p ≤ pages with (p − 1) mod fleet ≠ rank
        if (others <= 0)
        {
            return null;
        }

        // The k-th other page, k at random: skip this agent's own pages, which recur every fleet-th page.
        int k = Random.Shared.Next(others);
        int page = k + (k / (fleet - 1)) + (k % (fleet - 1) >= rank ? 1 : 0) + 1;
        long size = PageSize;
        long probe = ((page - 1) * size) + (size / 2) + 1;
        if (probe > int.MaxValue)
        {
            return page;
        }

        List<GiteaIssue> lastOfOlderHalf = await ReadReadyPageAsync((int)probe, cancellationToken, pageSize: 1).ConfigureAwait(false);
        return lastOfOlderHalf.Exists(options.IsClaimable) ? page : null;
    }

    /// <summary>This agent's place in the fleet: its rank in the roster, and the roster's size (at least one).</summary>
    private (int Rank, int Size) FleetPlace()
    {
        string[] roster = labels.Roster;
        return (Math.Max(0, Array.IndexOf(roster, options.Agent)), Math.Max(1, roster.Length));
    }

    /// <summary>The page size the ready list is read by: the round's shared size when spreading, else the smallest.</summary>
    private int PageSize => options.SpreadClaims ? Volatile.Read(ref _pageSize) : CandidatePage;

    /// <summary>How many pages of <paramref name="size"/> (default <see cref="PageSize"/>) the ready list last had; at least one.</summary>
    private int PageCount(int? size = null)
    {
        int by = size ?? PageSize;
        return (int)Math.Clamp((Volatile.Read(ref _readyTotal) + by - 1) / by, 1, int.MaxValue);
    }

    /// <summary>Reads the ready list from its oldest end, the largest pages the forge serves, until some claimable issues turn up.</summary>
    private async Task<List<GiteaIssue>> ScanReadyAsync(CancellationToken cancellationToken)
    {
        var found = new List<GiteaIssue>();
        int limit = await client.GetMaxPageSizeAsync(cancellationToken).ConfigureAwait(false);
        for (int page = PageCount(limit); page >= 1 && found.Count < CandidatePage; page--)
        {
            found.AddRange((await ReadReadyPageAsync(page, cancellationToken, limit).ConfigureAwait(false)).Where(options.IsClaimable));
        }

        return found;
    }

    private async Task<List<GiteaIssue>> ReadReadyPageAsync(int page, CancellationToken cancellationToken, int? pageSize = null)
    {
        GiteaPage<GiteaIssue> ready = await client.GetIssuesPageAsync(options.Owner, options.Repo, page, pageSize ?? PageSize, labels: options.ReadyLabel, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ready.TotalCount is { } total)
        {
            Volatile.Write(ref _readyTotal, total);
        }

        return [.. ready.Items];
    }

    /// <summary>Reads the roster again; whether it differs from the one this agent had.</summary>
    private async Task<bool> RosterChangedAsync(CancellationToken cancellationToken)
    {
        string[] before = labels.Roster;
        await labels.RefreshAsync(createMissing: false, cancellationToken).ConfigureAwait(false);
        return !before.AsSpan().SequenceEqual(labels.Roster);
    }

    private bool EnqueueCandidates(IEnumerable<GiteaIssue> issues, CandidateOrder order)
    {
        List<GiteaIssue> claimable = [.. issues.Where(options.IsClaimable)];
        IEnumerable<GiteaIssue> ordered = order == CandidateOrder.Theirs
            ? claimable.OrderBy(i => SpreadKey(options.Agent, i.Number))
            : claimable.OrderBy(i => i.Number);
        foreach (GiteaIssue issue in ordered)
        {
            _candidates.Enqueue(new ClaimCandidate(issue, order == CandidateOrder.Theirs));
        }

        Volatile.Write(ref _candidatesReadAt, time.GetTimestamp());
        return claimable.Count > 0;
    }

    /// <summary>A stable per-agent shuffle: the same agent always tries issues in the same order, different agents differently.</summary>
    internal static ulong SpreadKey(string agent, long number)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{agent}#{number}"), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
