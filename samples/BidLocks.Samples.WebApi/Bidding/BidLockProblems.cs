using BidLocks;
using Microsoft.AspNetCore.Diagnostics;

namespace BidLocks.Samples.WebApi.Bidding;

/// <summary>Another bid holds the posting past the timeout: 409. The lock backend is down: 503. The bid did not run in either.</summary>
public sealed class BidLockProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BidLockTimeoutException => (StatusCodes.Status409Conflict, "Another bid on this posting is in progress; try again."),
            BidLockUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Bidding is unavailable: the bid lock cannot be taken."),
            _ => (0, string.Empty),
        };
        if (status == 0)
        {
            return false;
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title },
        });
    }
}
