#!/usr/bin/env bash
# A batch of small images, as a user runs a folder of crops through the service (run by hand): starts slicer-api and
# a patch-processor (2 threads) on a private work directory with the services' options, lets slicer-api settle, then
# submits JOBS small PNGs (600x400, ImageMagick's plasma) one after another, each in one request with its result asked
# for, and waits for each to be DONE before the next. Prints the median and the slowest submission (the POST's
# seconds) and job (submission to DONE), and the whole batch's seconds.
#
#   bench/small-jobs.sh            JOBS=20; SLICER_JAR=path/to/slicer-api.jar to compare builds
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-20}
SLICER_JAR=${SLICER_JAR:-slicer-api/target/slicer-api.jar}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api=$(port); proc=$(port)
java -Xmx512m -XX:+UseSerialGC -Xmn64m -jar "$SLICER_JAR" --server.port="$api" --lip.temp-dir="$work/temp" \
  --lip.result-dir="$work/results" > "$work/slicer.log" 2>&1 & pids+=($!)
java -Xmx512m -XX:+UseSerialGC -Xmn64m -jar patch-processor/target/patch-processor.jar --server.port="$proc" \
  --lip.temp-dir="$work/temp" --lip.threads=2 > "$work/processor.log" 2>&1 & pids+=($!)
for p in $api $proc; do for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$p/actuator/health" >/dev/null && break; sleep 0.3; done; done
sleep 5 # start-up done: the waiting decoder (and its class archive) made
for i in $(seq 1 "$JOBS"); do convert -size 600x400 -seed "$i" plasma:fractal "$work/in-$i.png"; done
ms() { echo $(( $(date +%s%N) / 1000000 )); }
: > "$work/times"
b0=$(ms)
for i in $(seq 1 "$JOBS"); do
  t0=$(ms)
  id=$(curl -sf -X POST --data-binary @"$work/in-$i.png" -H 'Content-Type: application/octet-stream' \
    "http://127.0.0.1:$api/api/v1/jobs?tileSize=256" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  t1=$(ms)
  curl -sf -X POST "http://127.0.0.1:$api/api/v1/jobs/$id/result" >/dev/null
  until curl -sf "http://127.0.0.1:$api/api/v1/jobs/$id" | grep -q '"state":"\(DONE\|FAILED\)"'; do sleep 0.01; done
  curl -sf "http://127.0.0.1:$api/api/v1/jobs/$id" | grep -q '"state":"DONE"' || { echo "job $i failed"; exit 1; }
  echo "$((t1 - t0)) $(( $(ms) - t0 ))" >> "$work/times"
done
b1=$(ms)
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %.2f s, slowest %.2f s", a[int((NR+1)/2)]/1000, a[NR]/1000}'; }
echo "$JOBS small PNGs one after another: submission $(cut -d' ' -f1 "$work/times" | stats); job $(cut -d' ' -f2 "$work/times" | stats); all $(echo "scale=1; ($b1 - $b0) / 1000" | bc) s"
