using Microsoft.Extensions.Logging;

namespace Hermes.Sdk.TestSupport;

/// <summary>
/// Keeps every log entry as text — the formatted message, each structured value and the exception — so tests can
/// assert what was logged and, above all, what never was (prompts, keys, secrets).
/// </summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<string> _messages = [];
    private readonly List<string> _everything = [];

    /// <summary>The formatted messages.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Messages, structured values and exceptions, all as text.</summary>
    public IReadOnlyList<string> Everything
    {
        get
        {
            lock (_messages)
            {
                return [.. _everything];
            }
        }
    }

    /// <summary>A logger factory writing to this provider at every level.</summary>
    /// <returns>The factory (dispose it).</returns>
    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            lock (owner._messages)
            {
                owner._messages.Add(message);
                owner._everything.Add(message);
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    owner._everything.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
                }

                if (exception is not null)
                {
                    owner._everything.Add(exception.ToString());
                }
            }
        }
    }
}
