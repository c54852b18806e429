using BidLocks;
using Microsoft.AspNetCore.Diagnostics;

namespace BidLocks.Samples.WebApi.Bidding;

/// <summary>
/// The lock's exceptions as HTTP answers. Another bid holds the posting past the timeout: 409. The lock backend is
/// down: 503. In both the bid did not run. The lock was lost while the bid ran: its outcome is unknown, so 409 (check
/// the posting before bidding again), or 503 with Retry-After when the backend was lost. A bad id (white space at
/// either end, too long, an empty or null-holding bundle): 400, naming the argument.
/// </summary>
public sealed class BidLockProblems(IProblemDetailsService problems) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BidLockTimeoutException => (StatusCodes.Status409Conflict, "Another bid on this posting is in progress; try again."),
            BidLockUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Bidding is unavailable: the bid lock cannot be taken."),
            BidLockLostException { Reason: BidLockLossReason.BackendLost } => (StatusCodes.Status503ServiceUnavailable, "The bid lock was lost with its backend while the bid ran: its outcome is unknown; check the posting before bidding again."),
            BidLockLostException => (StatusCodes.Status409Conflict, "The bid lock was lost while the bid ran: its outcome is unknown; check the posting before bidding again."),
            ArgumentException => (StatusCodes.Status400BadRequest, "The bid's ids are not valid."),
            _ => (0, string.Empty),
        };
        if (status == 0)
        {
            return false;
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            // The message names the argument, or says why the lock was lost and who broke it: the client can act on it.
            ProblemDetails = { Status = status, Title = title, Detail = exception is ArgumentException or BidLockLostException ? exception.Message : null },
        });
    }
}
