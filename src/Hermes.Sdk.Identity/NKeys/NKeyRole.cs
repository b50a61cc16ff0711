namespace Hermes.Sdk.Identity.NKeys;

/// <summary>The kind of entity an NKey identifies; it decides the key's first letter.</summary>
public enum NKeyRole
{
    /// <summary>A user (<c>U…</c>, seed <c>SU…</c>): what an agent connects to NATS as.</summary>
    User,

    /// <summary>An account (<c>A…</c>, seed <c>SA…</c>).</summary>
    Account,

    /// <summary>An operator (<c>O…</c>, seed <c>SO…</c>).</summary>
    Operator,

    /// <summary>A server (<c>N…</c>, seed <c>SN…</c>).</summary>
    Server,

    /// <summary>A cluster (<c>C…</c>, seed <c>SC…</c>).</summary>
    Cluster,
}

internal static class NKeyRoles
{
    public static byte Prefix(this NKeyRole role) => role switch
    {
        NKeyRole.User => NKeyCodec.UserPrefix,
        NKeyRole.Account => NKeyCodec.AccountPrefix,
        NKeyRole.Operator => NKeyCodec.OperatorPrefix,
        NKeyRole.Server => NKeyCodec.ServerPrefix,
        NKeyRole.Cluster => NKeyCodec.ClusterPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown NKey role."),
    };

    public static NKeyRole FromPrefix(int prefix) => prefix switch
    {
        NKeyCodec.UserPrefix => NKeyRole.User,
        NKeyCodec.AccountPrefix => NKeyRole.Account,
        NKeyCodec.OperatorPrefix => NKeyRole.Operator,
        NKeyCodec.ServerPrefix => NKeyRole.Server,
        NKeyCodec.ClusterPrefix => NKeyRole.Cluster,
        _ => throw new ArgumentOutOfRangeException(nameof(prefix), prefix, "Not a public NKey role prefix."),
    };
}
