using System.Security.Cryptography;
using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Release notifications between processes: one pub/sub channel per key prefix (<c>{prefix}released</c>), each
/// message <c>{sender}|{lock key}</c> (<see cref="RedisLockProtocol"/>). The release script publishes only when a waiter is queued, so an uncontended
/// lock costs no message; a manager ignores its own messages (it has already woken its own waiters).
/// </summary>
/// <remarks>
/// One channel rather than one per key: a subscription per waited-on key would cost a SUBSCRIBE round trip at the
/// start of every wait and bookkeeping on every release, while messages only flow for contended locks anyway.
/// The subscription starts with the first wait and StackExchange.Redis renews it after a reconnect; a message lost
/// meanwhile is covered by the waiters' backoff.
/// </remarks>
internal sealed class RedisReleaseChannel
{
    private readonly ISubscriber _subscriber;
    private readonly string _sender;
    private readonly object _gate = new();
    private Action<string>? _onRelease;
    private Task? _subscribed;

    public RedisReleaseChannel(IConnectionMultiplexer connection, string keyPrefix)
    {
        _subscriber = connection.GetSubscriber();
        Name = RedisLockProtocol.ReleaseChannel(keyPrefix);
        Channel = RedisChannel.Literal(Name);
        _sender = RedisLockProtocol.ReleaseSender(Convert.ToHexString(RandomNumberGenerator.GetBytes(8)));
    }

    public string Name { get; }

    public RedisChannel Channel { get; }

    public bool IsSubscribed => _subscribed is { IsCompletedSuccessfully: true };

    /// <summary>The message that announces a release of <paramref name="key"/> by this manager.</summary>
    public string MessageFor(string key) => _sender + key;

    public void OnRelease(Action<string> callback) => _onRelease = callback;

    /// <summary>Subscribes once; a failed attempt is forgotten so that the next wait tries again.</summary>
    public Task EnsureSubscribedAsync()
    {
        lock (_gate)
        {
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                _subscribed = _subscriber.SubscribeAsync(Channel, OnMessage);
            }

            return _subscribed;
        }
    }

    public async ValueTask UnsubscribeAsync()
    {
        Task? subscribed;
        lock (_gate)
        {
            subscribed = _subscribed;
            _subscribed = null;
        }

        if (subscribed is not null)
        {
            await _subscriber.UnsubscribeAsync(Channel, OnMessage).ConfigureAwait(false);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        if (text is null || text.StartsWith(_sender, StringComparison.Ordinal))
        {
            return;
        }

        if (RedisLockProtocol.ReleasedKey(text) is { } key)
        {
            _onRelease?.Invoke(key);
        }
    }
}
