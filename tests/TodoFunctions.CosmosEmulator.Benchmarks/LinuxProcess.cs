using System.Runtime.InteropServices;

/// <summary>Another process as Linux shows it (its resident memory) and stops it (a signal).</summary>
internal static class LinuxProcess
{
    private const int SigTerm = 15;

    /// <summary>VmRSS of a live process, in bytes: the memory it really holds, whatever the GC thinks it uses.</summary>
    public static long ResidentBytes(int processId) => ParseVmRss(File.ReadAllLines($"/proc/{processId}/status"));

    /// <summary>The VmRSS line of /proc/PID/status, e.g. "VmRSS:	  123456 kB", in bytes.</summary>
    public static long ParseVmRss(IEnumerable<string> status)
    {
        var line = status.FirstOrDefault(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
            ?? throw new FormatException("No VmRSS line in the process status.");
        var fields = line["VmRSS:".Length..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return fields is [var kilobytes, "kB"] ? long.Parse(kilobytes) * 1024 : throw new FormatException($"Unexpected VmRSS line: {line}");
    }

    /// <summary>Asks the process to stop as Ctrl+C or SIGTERM would, so it shuts down the way a developer stops it.</summary>
    public static void Terminate(int processId)
    {
        if (kill(processId, SigTerm) != 0)
            throw new InvalidOperationException($"kill({processId}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
