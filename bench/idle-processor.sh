#!/usr/bin/env bash
# What an idle patch-processor costs with finished jobs retained in the work directory (issue 27, item 4), run by
# hand: makes JOBS finished job directories (a real manifest and status, no patches: what slicer-api leaves when a
# job ends), starts patch-processor on them with the services' options, lets it settle, and prints the CPU time it
# spends over SECONDS of doing nothing.
#
#   bench/idle-processor.sh            JOBS=1000 SECONDS_IDLE=60; JAR=path/to/patch-processor.jar to compare builds
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-1000}
IDLE=${SECONDS_IDLE:-60}
JAR=${JAR:-patch-processor/target/patch-processor.jar}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for i in $(seq 1 "$JOBS"); do
  d="$work/job-$(printf '%05d' "$i")"
  mkdir -p "$d"
  printf '{"jobId":"job-%05d","width":6000,"height":4000,"bands":3,"bitsPerSample":8,"tileSize":512,"overlap":0,"algorithm":"threshold","parameters":{"threshold":"128"},"jobValues":{}}' "$i" > "$d/manifest.json"
  echo '{"state":"DONE"}' > "$d/status.json"
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -Xmx512m -XX:+UseSerialGC -Xmn64m -jar "$JAR" --server.port="$port" --lip.temp-dir="$work" > "$work.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null && break; sleep 1; done
sleep 5 # start-up done, first scans made
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(ticks); sleep "$IDLE"; t1=$(ticks)
hz=$(getconf CLK_TCK)
echo "idle patch-processor, $JOBS finished jobs retained: $(echo "scale=2; ($t1 - $t0) / $hz" | bc) s of CPU in $IDLE s ($(echo "scale=1; 100 * ($t1 - $t0) / $hz / $IDLE" | bc)% of a core)"
rm -f "$work.log"
