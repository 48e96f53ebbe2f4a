#!/usr/bin/env bash
# The performance bar of bench/RESULTS.md: each case three times, each run against a fresh Release
# broker with an empty data directory (defaults, including flush.ms=1000), loadgen in Release on the
# same machine. Prints one line per run, and per case the median and the broker's peak resident memory
# (VmRSS, sampled every 250 ms) of each run with their median; JSON summaries land in $OUT.
# Usage: bench/perf/run-perf-bar.sh [cases...]   (cases: 1 2 3 4 6 7; default 1 2 3 4)
# Cases 2, 6 and 7 also print the consumer's cost per record read: loadgen's CPU time (user + system)
# and managed bytes allocated, over the replay.
# Environment: OUT (default /tmp/logbroker-perf), RUNS (3), GRPC_PORT (9400), HTTP_PORT (9401),
#   READY_TIMEOUT seconds to wait for the broker (60), BROKER_ARGS extra broker flags, e.g.
#   BROKER_ARGS='--LogBroker:TopicDefaults:flush.ms 9223372036854775807' to leave flushing to the OS.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/logbroker-perf}
RUNS=${RUNS:-3}
GRPC_PORT=${GRPC_PORT:-9400}
HTTP_PORT=${HTTP_PORT:-9401}
READY_TIMEOUT=${READY_TIMEOUT:-60}
read -r -a EXTRA_BROKER_ARGS <<<"${BROKER_ARGS:-}"
CASES=${*:-1 2 3 4}
mkdir -p "$OUT"
: >"$OUT/rss.peaks"
dotnet build src/Broker -c Release -v q -nologo >/dev/null
dotnet build tools/loadgen -c Release -v q -nologo >/dev/null
BROKER=src/Broker/bin/Release/net10.0/LogBroker.Broker.dll
LOADGEN="dotnet tools/loadgen/bin/Release/net10.0/loadgen.dll"
BOOTSTRAP="http://127.0.0.1:$GRPC_PORT"
BROKER_PID=
SAMPLER_PID=

# A broker or sampler left behind by a failed run would hold the ports and skew the next measurement.
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  if [ -n "$BROKER_PID" ]; then kill -TERM "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

start_broker() {
  rm -rf "$OUT/data"
  dotnet "$BROKER" --data-dir "$OUT/data" --grpc-port "$GRPC_PORT" --http-port "$HTTP_PORT" \
    --Logging:LogLevel:Default Warning "${EXTRA_BROKER_ARGS[@]}" >"$OUT/broker.log" 2>&1 &
  BROKER_PID=$!
  local deadline=$((SECONDS + READY_TIMEOUT))
  until curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null; do
    if ! kill -0 "$BROKER_PID" 2>/dev/null; then
      echo "the broker exited before it became ready; $OUT/broker.log:" >&2; tail -n 20 "$OUT/broker.log" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "the broker was not ready on port $HTTP_PORT after ${READY_TIMEOUT} s; $OUT/broker.log:" >&2; tail -n 20 "$OUT/broker.log" >&2; exit 1
    fi
    sleep 0.1
  done
  : >"$OUT/rss"
  ( while kill -0 "$BROKER_PID" 2>/dev/null; do grep VmRSS "/proc/$BROKER_PID/status" 2>/dev/null | awk '{print $2}' >>"$OUT/rss"; sleep 0.25; done ) &
  SAMPLER_PID=$!
}

stop_broker() {
  kill -TERM "$BROKER_PID"; wait "$BROKER_PID" || true
  kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true
  BROKER_PID= SAMPLER_PID=
  PEAK_RSS_MB=$(sort -n "$OUT/rss" | tail -1 | awk '{printf "%.0f", $1/1024}')
}

cost() { python3 -c "import json,sys; c=json.load(open('$1'))['consume']; print(f\"consumer {c.get('processCpuNanosPerRecord')} ns CPU and {c.get('processBytesAllocatedPerRecord')} B allocated per record\")"; }

field() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval('d' + sys.argv[1]))" "$2"; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for c in $CASES; do
  : >"$OUT/case$c.values"
  : >"$OUT/case$c.rss"
  for r in $(seq 1 "$RUNS"); do
    start_broker
    json="$OUT/case$c-run$r.json"
    case $c in
      1) $LOADGEN produce --bootstrap "$BOOTSTRAP" --topic bar1 --partitions 1 --producers 1 --record-size 100 --acks leader --duration 20 --warmup 5 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['produce']['recordsPerSecond']") ;;
      2) $LOADGEN produce --bootstrap "$BOOTSTRAP" --topic bar2 --partitions 1 --record-size 100 --acks leader --count 10000000 >/dev/null 2>&1
         $LOADGEN consume --bootstrap "$BOOTSTRAP" --topic bar2 --from beginning --count 10000000 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['consume']['recordsPerSecond']"); echo "case 2 run $r: $(cost "$json")" ;;
      3) $LOADGEN e2e --bootstrap "$BOOTSTRAP" --topic bar3 --partitions 1 --rate 10000 --acks leader --linger-ms 0 --fetch-mode push --duration 30 --warmup 5 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['endToEndLatency']['p99Ms']") ;;
      4) $LOADGEN produce --bootstrap "$BOOTSTRAP" --topic bar4 --partitions 16 --producers 4 --record-size 100 --acks leader --duration 20 --warmup 5 --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['produce']['recordsPerSecond']") ;;
      6) $LOADGEN produce --bootstrap "$BOOTSTRAP" --topic bar6 --partitions 1 --record-size 100 --acks leader --count 10000000 >/dev/null 2>&1
         $LOADGEN consume --bootstrap "$BOOTSTRAP" --topic bar6 --from beginning --count 10000000 --batch --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['consume']['recordsPerSecond']"); echo "case 6 run $r: $(cost "$json")" ;;
      7) $LOADGEN produce --bootstrap "$BOOTSTRAP" --topic bar7 --partitions 16 --producers 4 --record-size 100 --acks leader --count 10000000 >/dev/null 2>&1
         $LOADGEN consume --bootstrap "$BOOTSTRAP" --topic bar7 --from beginning --count 10000000 --consumers 4 --batch --json "$json" >/dev/null 2>&1
         v=$(field "$json" "['consume']['recordsPerSecond']"); echo "case 7 run $r: $(cost "$json")" ;;
      *) echo "unknown case $c (cases: 1 2 3 4 6 7)" >&2; exit 2 ;;
    esac
    stop_broker
    echo "case $c run $r: $v (broker peak RSS ${PEAK_RSS_MB} MiB)"
    echo "$v" >>"$OUT/case$c.values"
    echo "$PEAK_RSS_MB" >>"$OUT/case$c.rss"
    echo "$PEAK_RSS_MB" >>"$OUT/rss.peaks"
  done
  echo "case $c median: $(median <"$OUT/case$c.values")"
  echo "case $c broker peak RSS per run: $(paste -sd' ' "$OUT/case$c.rss") MiB; median $(median <"$OUT/case$c.rss") MiB"
done
echo "broker peak RSS over all runs: $(sort -n "$OUT/rss.peaks" | tail -1) MiB"
