using System.Diagnostics;

namespace Hermes.Sdk.Identity;

/// <summary>Tracing for Hermes.Sdk.Identity.</summary>
public static class IdentityDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/> (subscribe to it in OpenTelemetry).</summary>
    public const string SourceName = "Hermes.Sdk.Identity";

    internal static readonly ActivitySource ActivitySource = new(SourceName, typeof(IdentityDiagnostics).Assembly.GetName().Version?.ToString());
}
