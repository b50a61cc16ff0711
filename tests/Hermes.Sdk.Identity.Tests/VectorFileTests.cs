using Hermes.Sdk.TestSupport;

namespace Hermes.Sdk.Identity.Tests;

public class VectorFileTests
{
    [Theory]
    [InlineData("bip340-test-vectors.csv")]
    [InlineData("nostr-vectors.json")]
    [InlineData("nkeys-vectors.json")]
    public void Checked_in_vectors_are_byte_identical_to_the_shared_ones(string file)
    {
        byte[] ours = File.ReadAllBytes(Path.Combine(RepoPaths.Vectors, file));
        Assert.NotEmpty(ours);

        // The project's shared folder sits beside the clone in CI and on developer machines; a bare clone
        // elsewhere tests against the checked-in copy alone.
        if (RepoPaths.Shared is { } shared && File.Exists(Path.Combine(shared, "vectors", file)))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(shared, "vectors", file)), ours);
        }
    }
}
