#!/usr/bin/env bash
# Produce and replay N records of 100 bytes through Confluent.Kafka (the Kafka listener) and through
# LogBroker's own client (tools/loadgen, gRPC), against one broker, alternating, R rounds. For each
# phase: wall-clock records/s as the client saw them, and the broker's CPU time per million records
# (utime+stime from /proc, so it holds up better than wall-clock on a shared machine).
# Usage: bench/KafkaClientBench/run-kafka-vs-grpc.sh [N=2000000] [R=3]   (after a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-2000000}
R=${2:-3}
data=$(mktemp -d)
broker_log="$data/broker.log"
dotnet src/Broker/bin/Release/net10.0/LogBroker.Broker.dll --data-dir "$data/data" --grpc-port 19500 --http-port 19501 \
  --kafka-enabled true --kafka-port 19592 --Logging:LogLevel:Default Warning >"$broker_log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do grep -q "Kafka listener at" "$broker_log" 2>/dev/null && break; curl -sf http://127.0.0.1:19501/health/ready >/dev/null 2>&1 && break; sleep 0.1; done
sleep 1
ticks() { awk '{print $14+$15}' "/proc/$broker/stat"; }
hz=$(getconf CLK_TCK)
lbctl() { dotnet tools/lbctl/bin/Release/net10.0/lbctl.dll --bootstrap http://127.0.0.1:19500 "$@"; }
loadgen() { dotnet tools/loadgen/bin/Release/net10.0/loadgen.dll "$1" --bootstrap http://127.0.0.1:19500 "${@:2}"; }
kbench="dotnet bench/KafkaClientBench/bin/Release/net10.0/kafka-client-bench.dll"

phase() { # name command...
  local name=$1; shift
  local before after start end
  before=$(ticks); start=$(date +%s.%N)
  "$@" >"$data/out" 2>"$data/err" || { echo "$name failed:"; cat "$data/err" "$data/out"; exit 1; }
  end=$(date +%s.%N); after=$(ticks)
  awk -v name="$name" -v n="$N" -v s="$start" -v e="$end" -v t=$((after - before)) -v hz="$hz" \
    'BEGIN { printf "%-16s %10.0f rec/s (wall, incl. client start)   broker CPU %7.1f ms per 1M records\n", name, n / (e - s), t * 1000 / hz / (n / 1e6) }'
  grep -hE "records/s|throughput|rec/s" "$data/out" | head -2 | sed 's/^/    client: /'
}

echo "N=$N records of 100 bytes, 1 partition, acks=leader; $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$R"); do
  lbctl topic create "k$r" --partitions 1 >/dev/null
  lbctl topic create "g$r" --partitions 1 >/dev/null
  phase "kafka produce" $kbench produce --bootstrap 127.0.0.1:19592 --topic "k$r" --count "$N"
  phase "grpc produce" loadgen produce --topic "g$r" --partitions 1 --record-size 100 --count "$N" --acks leader
  phase "kafka replay" $kbench consume --bootstrap 127.0.0.1:19592 --topic "k$r" --count "$N"
  phase "grpc replay" loadgen consume --topic "g$r" --from beginning --consumers 1
done
