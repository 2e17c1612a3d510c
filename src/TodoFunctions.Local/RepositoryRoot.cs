namespace TodoFunctions.Local;

/// <summary>The repository the local host runs from: where its data folders and the Azurite package are.</summary>
internal static class RepositoryRoot
{
    /// <summary>The nearest folder above the running program that holds <c>TodoFunctions.sln</c>; null outside the repository.</summary>
    public static string? Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TodoFunctions.sln"))) return folder.FullName;
        }
        return null;
    }

    /// <summary>A folder under <c>.data</c> at the repository root (git ignores it), or under the working directory outside one.</summary>
    public static string DataDirectory(string name) => Path.Combine(Find() ?? Path.GetFullPath("."), ".data", name);
}
