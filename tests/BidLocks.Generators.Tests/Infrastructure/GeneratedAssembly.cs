using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace BidLocks.Generators.Tests.Infrastructure;

/// <summary>
/// A test source compiled together with the generator's output and loaded into a collectible context, so tests can
/// call generated methods for real. The BidLocks runtime is shared with the test process (the context falls back to
/// the default one for it), so managers and exceptions are the test's own types.
/// </summary>
internal sealed class GeneratedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private GeneratedAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    public static GeneratedAssembly Compile(string source)
    {
        GeneratorOutcome outcome = TestCompilation.Run(source);
        outcome.AssertCompilesCleanly();

        using var image = new MemoryStream();
        EmitResult emitted = outcome.Output.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        image.Position = 0;

        var context = new AssemblyLoadContext("BidLocks.Generators.Tests." + Guid.NewGuid().ToString("N"), isCollectible: true);
        return new GeneratedAssembly(context, context.LoadFromStream(image));
    }

    public object Create(string typeName, params object?[] arguments)
        => Activator.CreateInstance(Assembly.GetType(typeName, throwOnError: true)!, arguments)!;

    /// <summary>Calls an instance method that returns a task, by name.</summary>
    public static Task<T> Call<T>(object target, string method, params object?[] arguments)
        => (Task<T>)target.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.Instance)!.Invoke(target, arguments)!;

    public static T Get<T>(object target, string property)
        => (T)target.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.GetValue(target)!;

    public void Dispose() => _context.Unload();
}
