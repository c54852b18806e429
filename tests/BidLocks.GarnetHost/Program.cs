using Garnet;

// Runs a Garnet server in this process until its standard input closes. Every argument goes to Garnet as it is
// (--port, --bind, --lua, ...): the test that starts it decides the configuration.
using var server = new GarnetServer(args);
server.Start();

// The tests wait for this line instead of sleeping; Garnet's own banner and logs go to standard output too.
Console.WriteLine("bidlocks-garnet-host: ready");

// The test closes standard input to stop the server, and so does the kernel when the test process dies: a crashed
// test run leaves no server behind. Tests that want a crash kill the process by its pid instead.
await Console.In.ReadToEndAsync();
return 0;
