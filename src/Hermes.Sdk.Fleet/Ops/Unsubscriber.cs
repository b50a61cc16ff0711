namespace Hermes.Sdk.Fleet;

/// <summary>Undoes an event subscription when disposed.</summary>
internal sealed class Unsubscriber(Action unsubscribe) : IDisposable
{
    public void Dispose() => unsubscribe();
}
