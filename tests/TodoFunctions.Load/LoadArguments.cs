using System.Globalization;

namespace TodoFunctions.Load;

/// <summary>The command line of the load driver, read into <see cref="LoadOptions"/>.</summary>
public static class LoadArguments
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/TodoFunctions.Load -- --url <api root> [options]
          --url <url>          the API root, e.g. http://127.0.0.1:7071/api
          --seconds <n>        how long to run (default 30)
          --clients <n>        concurrent clients (default 8)
          --requests <n>       each client also stops after n requests
          --mix <weights>      e.g. post=20,get=35,patch=25,list=10,delete=10 (the default)
          --header "N: v"      sent with every request; repeatable (X-Wait-For-Read-Model: false, x-functions-key: …)
          --route <path>       the todo collection under the root (default todos; crud/todos for the CRUD baseline)
          --list-limit <n>     the page size of a list request (default 20)
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        Uri? root = null;
        var options = new LoadOptions { ApiRoot = new Uri("http://127.0.0.1/") };
        var headers = new List<(string, string)>();
        for (var i = 0; i < args.Count; i += 2)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--url": root = Uri.TryCreate(value, UriKind.Absolute, out var url) ? url : throw new FormatException($"--url: '{value}' is not an absolute URL."); break;
                case "--seconds": options = options with { Duration = TimeSpan.FromSeconds(Positive(args[i], value)) }; break;
                case "--clients": options = options with { Clients = Positive(args[i], value) }; break;
                case "--requests": options = options with { RequestsPerClient = Positive(args[i], value) }; break;
                case "--mix": options = options with { Mix = LoadMix.Parse(value) }; break;
                case "--route": options = options with { TodoRoute = value }; break;
                case "--list-limit": options = options with { ListLimit = Positive(args[i], value) }; break;
                case "--header":
                    var parts = value.Split(':', 2, StringSplitOptions.TrimEntries);
                    headers.Add(parts.Length == 2 ? (parts[0], parts[1]) : throw new FormatException($"--header: '{value}' is not 'Name: value'."));
                    break;
                default: throw new FormatException($"Unknown option {args[i]}.");
            }
        }
        return options with { ApiRoot = root ?? throw new FormatException("--url is required."), Headers = headers };
    }

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new FormatException($"{option}: '{value}' is not a whole number above zero.");
}
