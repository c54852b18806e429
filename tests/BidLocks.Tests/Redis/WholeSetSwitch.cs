namespace BidLocks.Tests.Redis;

/// <summary>
/// Turns on the Redis whole-set script (off by default, see <c>RedisLockStore.TakesSetsWhole</c>) for a manager a test
/// made, so the script keeps its tests while the default stays the ordered taking.
/// </summary>
internal static class WholeSetSwitch
{
    public static T TakingSetsWhole<T>(this T manager)
        where T : IBidLockManager
    {
        ((RedisLockStore)((BidLockManagerBase)(IBidLockManager)manager).Store).TakesSetsWhole = true;
        return manager;
    }
}
