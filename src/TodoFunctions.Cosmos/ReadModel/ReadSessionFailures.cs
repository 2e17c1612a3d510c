using System.Net;
using Microsoft.Azure.Cosmos;

namespace TodoFunctions.Cosmos;

/// <summary>Cosmos DB refused the session token a client sent back (400): the client's error, not the app's.</summary>
public sealed class InvalidReadSessionException(Exception inner) : Exception("Cosmos DB refused the session token.", inner);

internal static class ReadSessionFailures
{
    /// <summary>Runs a read made with a client's <paramref name="sessionToken"/>, turning Cosmos DB's 400 for it into <see cref="InvalidReadSessionException"/>.</summary>
    public static async Task<T> GuardAsync<T>(string? sessionToken, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (CosmosException refused) when (sessionToken is not null && refused.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new InvalidReadSessionException(refused);
        }
    }
}
