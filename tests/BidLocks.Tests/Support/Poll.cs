namespace BidLocks.Tests.Support;

/// <summary>
/// Waits for a state another process or the backend reaches, where nothing raises an event for it: looks every few
/// milliseconds, and fails with <paramref name="what"/> once <paramref name="limit"/> has passed.
/// </summary>
internal static class Poll
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, string what)
        => UntilAsync(() => Task.FromResult(condition()), limit, what);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds:0.#} s.");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
