using StackExchange.Redis;

namespace BidLocks;

/// <summary>
/// Checks at start that the server can run the lock: new enough for the scripts' commands, and running Lua at all
/// (Garnet does not by default). A server that cannot is refused when the manager starts, with what to change, rather
/// than failing every bid later.
/// </summary>
internal static class RedisServerCheck
{
    /// <param name="connection">The new connection.</param>
    /// <param name="database">The database the lock uses.</param>
    /// <param name="where">The server as messages name it (no password).</param>
    /// <param name="garnetTransactionModeConfirmed">The operator's word that a Garnet runs scripts atomically.</param>
    public static async Task<RedisServerIdentity> VerifyAsync(IConnectionMultiplexer connection, int database, string where, bool garnetTransactionModeConfirmed)
    {
        var identity = await RedisServerIdentity.ReadAsync(connection, database).ConfigureAwait(false);
        if (identity.Refusal() is { } tooOld)
        {
            throw new BidLockUnavailableException(RedisLockStore.BackendName, $"Refusing the server at {where}: {tooOld}") { StartFailure = RedisStartFailure.Refused };
        }

        try
        {
            await connection.GetDatabase(database).ScriptEvaluateAsync("return 1").ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.Contains("Lua", StringComparison.OrdinalIgnoreCase))
        {
            // Without Lua the server cannot say what it is (INFO is read by a script), so the advice covers both.
            throw new BidLockUnavailableException(
                RedisLockStore.BackendName,
                $"Refusing the server at {where}: it runs no Lua scripts ({exception.Message}), and every lock step is a script. Enable scripting; "
                    + "for Microsoft Garnet, start it with --lua --lua-transaction-mode (without transaction mode its scripts do not run as one atomic step).",
                exception)
            {
                StartFailure = RedisStartFailure.Refused,
            };
        }

        if (identity.IsGarnet && !garnetTransactionModeConfirmed)
        {
            throw new BidLockUnavailableException(
                RedisLockStore.BackendName,
                $"Refusing the server at {where}: {identity} runs each script as one atomic step only when started with --lua-transaction-mode, "
                    + "which a client cannot check, and without it the lock would not exclude. Start Garnet with --lua --lua-transaction-mode and confirm it with "
                    + "BidLockOptions.GarnetLuaTransactionMode = true (configuration BidLocks:GarnetLuaTransactionMode, or BIDLOCKS_GARNET_LUA_TRANSACTION_MODE=true).")
            {
                StartFailure = RedisStartFailure.Refused,
            };
        }

        return identity;
    }
}
