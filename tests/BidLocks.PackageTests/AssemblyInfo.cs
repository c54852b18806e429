// One pack per test run, shared by every test class: packing is the slow part, and each class checks the same .nupkg.
[assembly: AssemblyFixture(typeof(BidLocks.PackageTests.PackedBidLocks))]
