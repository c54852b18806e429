using BidLocks;
using BidLocks.Samples.WebApi.Bidding;
using OpenTelemetry.Metrics;

var builder = WebApplication.CreateBuilder(args);

// One IBidLockManager for the app: the backend from the "BidLocks" section and the environment (REDIS_URL, …), plus
// the "bidlocks" health check.
builder.Services.AddBidLocks(builder.Configuration);
builder.Services.AddSingleton<Marketplace>();
builder.Services.AddSingleton<BidService>();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BidLockProblems>();
builder.Services.AddHealthChecks();

// Structured logs: one JSON object a line, with the lock's own events (which backend and why, lost leases, breaks).
builder.Logging.AddJsonConsole();

// The BidLocks meter (and ASP.NET Core's own) in Prometheus format at /metrics.
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(BidLockTelemetry.MeterName, "Microsoft.AspNetCore.Hosting")
    // BidLocks' durations are in seconds; OpenTelemetry's default buckets are sized for milliseconds.
    .AddView(instrument => instrument.Meter.Name == BidLockTelemetry.MeterName && instrument.Unit == "s"
        ? new ExplicitBucketHistogramConfiguration { Boundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] }
        : null)
    .AddPrometheusExporter());

var app = builder.Build();
app.UseExceptionHandler();

app.MapPost("/postings/{postingId}/bids", async (string postingId, BidRequest bid, BidService bids, CancellationToken cancellationToken)
    => TypedResults.Ok(await bids.PlaceBidAsync(bids.MarketplaceId, postingId, bid, cancellationToken)));
app.MapPost("/bundles/bids", async (BundleRequest bundle, BidService bids, CancellationToken cancellationToken)
    => TypedResults.Ok(await bids.PlaceBundleBidAsync(bids.MarketplaceId, bundle.PostingIds, new BidRequest(bundle.Bidder, bundle.Amount), cancellationToken)));
app.MapGet("/ledger", (Marketplace marketplace) => TypedResults.Ok(marketplace.Audit()));
// JSON with each check's status and reason (which backend, where, why Degraded), not the bare word "Degraded".
app.MapHealthChecks("/health", new() { ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(BidLockHealthResponse.From(report)) });
app.MapPrometheusScrapingEndpoint("/metrics");

app.Run();
