#!/usr/bin/env bash
# Packs BidLocks and the bidlocks tool (BidLocks.Cli) into one folder, with a version no NuGet cache has seen:
# NuGet silently reuses a cached package of the same version, so a local 0.1.0 could be yesterday's build. The version
# is 0.1.0-local.<UTC time>, a pre-release that sorts below a published 0.1.0. Prints the lines that install them.
#
#   ./pack.sh [FOLDER]        (default: artifacts/packages; BIDLOCKS_VERSION=... to choose the version)
set -euo pipefail
cd "$(dirname "$0")"

out="$(mkdir -p "${1:-artifacts/packages}" && cd "${1:-artifacts/packages}" && pwd)"
version="${BIDLOCKS_VERSION:-0.1.0-local.$(date -u +%Y%m%d%H%M%S)}"

for project in src/BidLocks/BidLocks.csproj src/BidLocks.Cli/BidLocks.Cli.csproj; do
    dotnet pack "$project" -c Release -o "$out" -p:Version="$version" --nologo -v quiet
done

cat <<LINES

Packed BidLocks $version and BidLocks.Cli $version into $out. Install them from there:

  dotnet add package BidLocks --version $version --no-restore
  dotnet restore --source $out --source https://api.nuget.org/v3/index.json
  dotnet tool install --global BidLocks.Cli --version $version --add-source $out

LINES
