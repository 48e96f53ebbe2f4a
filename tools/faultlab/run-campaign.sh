#!/usr/bin/env bash
# Runs a fault campaign from a fresh clone: installs iproute2 and nftables (Debian, when root), builds
# the broker and faultlab (Release), removes what crashed runs left behind, and runs one of the presets
# with any further `faultlab run` options appended. The reports land in faultlab-out/RUN/ (report.txt,
# report.json, report.html, one log per broker); the exit code is faultlab's (0 PASS, 1 FAIL, 2 could
# not run, 130 interrupted).
#
#   tools/faultlab/run-campaign.sh short            # what CI runs: 1 broker, ~90 s, seed 20261205
#   tools/faultlab/run-campaign.sh long             # 30 minutes, every fault the lab can do, random seed
#   BROKERS=5 tools/faultlab/run-campaign.sh long   # once the broker forms clusters (issue 8)
#   tools/faultlab/run-campaign.sh long --seed 347723619   # replay a seed
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

preset=${1:-long}
shift || true
case "$preset" in
  short) args=(--brokers 1 --seed 20261205 --duration 90 --faults kill,pause,disk-full) ;;
  long) args=(--brokers "${BROKERS:-1}" --duration "${DURATION:-1800}" --rate 1000 --partitions 8 --consumers 3 --disk-mib 1024) ;;
  *) echo "usage: $0 short|long [faultlab run options]" >&2; exit 2 ;;
esac

if [ "$(id -u)" -eq 0 ] && ! { command -v ip && command -v nft; } >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y iproute2 nftables >/dev/null 2>&1 || { apt-get update && apt-get install -y iproute2 nftables; } >/dev/null 2>&1 \
    || echo "run-campaign: could not install iproute2 and nftables; faultlab says what that turns off" >&2
fi

dotnet build src/Broker/Broker.csproj -c Release -v q -nologo || { echo "run-campaign: the broker does not build" >&2; exit 2; }
dotnet build tools/faultlab/faultlab.csproj -c Release -v q -nologo || { echo "run-campaign: faultlab does not build" >&2; exit 2; }
faultlab=(dotnet tools/faultlab/bin/Release/net10.0/faultlab.dll)
"${faultlab[@]}" cleanup

out=faultlab-out/$(date -u +%Y%m%dT%H%M%SZ)-$preset
mkdir -p "$out"
exec "${faultlab[@]}" run "${args[@]}" "$@" --out "$out"
