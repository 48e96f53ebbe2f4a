#!/usr/bin/env bash
# The performance bar of bench/RESULTS.md: each case three times, each run against a fresh Release
# broker with an empty data directory (defaults, including flush.ms=1000), loadgen in Release on the
# same machine. Prints one line per run and the median per case; JSON summaries land in $OUT.
# Usage: bench/perf/run-perf-bar.sh [cases...]   (cases: 1 2 3 4; default all)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/logbroker-perf}
RUNS=${RUNS:-3}
CASES=${*:-1 2 3 4}
mkdir -p "$OUT"
dotnet build src/Broker -c Release -v q -nologo >/dev/null
dotnet build tools/loadgen -c Release -v q -nologo >/dev/null
BROKER=src/Broker/bin/Release/net10.0/LogBroker.Broker.dll
LOADGEN="dotnet tools/loadgen/bin/Release/net10.0/loadgen.dll"

start_broker() {
  rm -rf "$OUT/data"
  dotnet "$BROKER" --data-dir "$OUT/data" --Logging:LogLevel:Default Warning >"$OUT/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 100); do curl -sf localhost:9401/health/ready >/dev/null && break; sleep 0.1; done
  : >"$OUT/rss"
  ( while kill -0 "$BROKER_PID" 2>/dev/null; do grep VmRSS "/proc/$BROKER_PID/status" 2>/dev/null | awk '{print $2}' >>"$OUT/rss"; sleep 0.25; done ) &
  SAMPLER_PID=$!
}

stop_broker() {
  kill -TERM "$BROKER_PID"; wait "$BROKER_PID" || true
  kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true
  PEAK_RSS_MB=$(sort -n "$OUT/rss" | tail -1 | awk '{printf "%.0f", $1/1024}')
}

field() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval('d' + sys.argv[1]))" "$2"; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for c in $CASES; do
  : >"$OUT/case$c.values"
  for r in $(seq 1 "$RUNS"); do
    start_broker
    json="$OUT/case$c-run$r.json"
    case $c in
      1) $LOADGEN produce --topic bar1 --partitions 1 --producers 1 --record-size 100 --acks leader --duration 20 --warmup 5 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['produce']['recordsPerSecond']") ;;
      2) $LOADGEN produce --topic bar2 --partitions 1 --record-size 100 --acks leader --count 10000000 >/dev/null 2>&1
         $LOADGEN consume --topic bar2 --from beginning --count 10000000 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['consume']['recordsPerSecond']") ;;
      3) $LOADGEN e2e --topic bar3 --partitions 1 --rate 10000 --acks leader --linger-ms 0 --fetch-mode push --duration 30 --warmup 5 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['endToEndLatency']['p99Ms']") ;;
      4) $LOADGEN produce --topic bar4 --partitions 16 --producers 4 --record-size 100 --acks leader --duration 20 --warmup 5 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['produce']['recordsPerSecond']") ;;
    esac
    stop_broker
    echo "case $c run $r: $v (broker peak RSS ${PEAK_RSS_MB} MiB)"
    echo "$v" >>"$OUT/case$c.values"
    echo "$PEAK_RSS_MB" >>"$OUT/rss.peaks"
  done
  echo "case $c median: $(median <"$OUT/case$c.values")"
done
echo "broker peak RSS over all runs: $(sort -n "$OUT/rss.peaks" | tail -1) MiB"
