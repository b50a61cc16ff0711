using System.Text;

namespace Hermes.Sdk.TestSupport;

/// <summary>Exception text for assertions.</summary>
public static class ExceptionMessages
{
    /// <summary>The message of an exception and of every inner one, a line each (NATS puts the server's words inside).</summary>
    public static string AllMessages(this Exception exception)
    {
        var text = new StringBuilder();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            text.AppendLine(e.Message);
        }

        return text.ToString();
    }
}
