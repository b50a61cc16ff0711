using Hermes.Sdk.Safety.Tool;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await SafetyCli.InvokeAsync(args, Console.Out, Console.Error, cancel.Token);
