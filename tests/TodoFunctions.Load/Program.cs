using TodoFunctions.Load;

LoadOptions options;
try
{
    options = LoadArguments.Parse(args);
}
catch (FormatException invalid)
{
    Console.Error.WriteLine(invalid.Message);
    Console.Error.WriteLine(LoadArguments.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, cancel) =>
{
    cancel.Cancel = true;
    stop.Cancel();
};
Console.WriteLine($"{options.Clients} clients for {options.Duration.TotalSeconds:0} s against {options.TodosUrl}, mix {options.Mix}" +
    (options.Headers.Count == 0 ? "" : $", headers {string.Join("; ", options.Headers.Select(header => header.Name))}"));
var report = await LoadRun.RunAsync(options, stop.Token);
report.Print(Console.Out);
return report.Total.Failures == 0 ? 0 : 1;
