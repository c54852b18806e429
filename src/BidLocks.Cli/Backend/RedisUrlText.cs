namespace BidLocks.Cli.Backend;

/// <summary>A Redis URL as the tool may print it: the password, if any, as <c>***</c>.</summary>
internal static class RedisUrlText
{
    public static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.UserInfo))
        {
            // Not a URL we can take apart: show nothing that could be a secret.
            return url.Contains('@', StringComparison.Ordinal) ? "***@" + url[(url.LastIndexOf('@') + 1)..] : url;
        }

        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
        var userInfo = colon < 0 ? "***" : user + ":***";
        return $"{uri.Scheme}://{userInfo}@{uri.Authority}{uri.PathAndQuery}";
    }
}
