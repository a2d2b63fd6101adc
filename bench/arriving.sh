#!/usr/bin/env bash
# Slicing while the upload arrives (issue 27), by hand (not by CI): each image is sent as a tus upload that makes its
# job (the job's parameters in Upload-Metadata, as `lip` sends them) at a link's speed (curl --limit-rate), once to a
# slicer-api that slices it as it arrives (the default) and once to one that waits for the last byte
# (--lip.arriving-slicings=0). Each row: the upload's seconds, and the seconds from the first byte sent to the job's
# DONE in each mode. The result of each run is checked against the other's (same pixels).
#
#   bench/arriving.sh [IMAGE...]        default: the realistic 20000² JPEG and PNG (bench/make-images.sh)
#   RATE=125M bench/arriving.sh ...     the link: 125 MB/s is 1 Gb/s (curl's units); RATE=0 for no limit
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work
HEAP=${HEAP:--Xmx512m -XX:+UseSerialGC -Xmn64m}
RATE=${RATE:-125M}
mkdir -p "$work"
if [ $# -gt 0 ]; then images=("$@"); else
  mapfile -t images < <(CONTENT=realistic IMAGES="jpg png" bench/make-images.sh 20000 "$work"); fi
[ -f slicer-api/target/slicer-api.jar ] || ./mvnw -q -B -DskipTests package
api=18680; proc=18681
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
healthy() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/actuator/health" >/dev/null && return 0; sleep 0.2; done; return 1; }
now() { date +%s.%N; }

# $1: slicings of arriving uploads (2: the default, 0: wait for the last byte)
start() {
  rm -rf "$work/atemp" "$work/aresults"
  java $HEAP -jar slicer-api/target/slicer-api.jar --server.port=$api --lip.temp-dir="$work/atemp" \
    --lip.result-dir="$work/aresults" --lip.retention=1m --lip.arriving-slicings="$1" > "$work/a-slicer.log" 2>&1 &
  api_pid=$!
  java $HEAP -jar patch-processor/target/patch-processor.jar --server.port=$proc --lip.temp-dir="$work/atemp" \
    --lip.threads=2 > "$work/a-processor.log" 2>&1 &
  proc_pid=$!
  pids+=($api_pid $proc_pid)
  healthy $api; healthy $proc
}

stop() { kill $api_pid $proc_pid 2>/dev/null || true; wait $api_pid $proc_pid 2>/dev/null || true; }

# $1 image, $2 output; prints "upload_s done_s"
run() {
  local img=$1 out=$2 len meta headers loc job t0 t1 t2
  len=$(stat -c %s "$img")
  meta="filename $(basename "$img" | base64 -w0),job $(printf 'tileSize=512&threshold=128' | base64 -w0)"
  t0=$(now)
  headers=$(curl -sf -D - -o /dev/null -X POST -H "Tus-Resumable: 1.0.0" -H "Upload-Length: $len" \
    -H "Upload-Metadata: $meta" "http://127.0.0.1:$api/api/v1/uploads" | tr -d '\r')
  loc=$(awk '/^Location:/ {print $2}' <<<"$headers"); job=$(awk '/^Lip-Job:/ {print $2}' <<<"$headers")
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$api/api/v1/jobs/$job/result"
  local limit=(); [ "$RATE" = 0 ] || limit=(--limit-rate "$RATE")
  curl -sf -o /dev/null "${limit[@]}" -X PATCH -H "Tus-Resumable: 1.0.0" -H "Upload-Offset: 0" \
    -H "Content-Type: application/offset+octet-stream" --data-binary @"$img" "http://127.0.0.1:$api$loc"
  t1=$(now)
  until [ "$(curl -sf "http://127.0.0.1:$api/api/v1/jobs/$job" | jq -r .state)" = DONE ]; do
    [ "$(curl -sf "http://127.0.0.1:$api/api/v1/jobs/$job" | jq -r .state)" = FAILED ] && { echo "job $job FAILED" >&2; exit 1; }
    sleep 0.05
  done
  t2=$(now)
  curl -sf -o "$out" "http://127.0.0.1:$api/api/v1/jobs/$job/result"
  echo "$t0 $t1 $t2" | awk '{printf "%.1f %.1f\n", $2 - $1, $3 - $1}'
}

checksums() { gdalinfo -checksum "$1" | grep Checksum; }
warm() { run "$work/warmup.jpg" "$work/a-warm.tif" >/dev/null; }
[ -f "$work/warmup.jpg" ] || java -jar client-cli/target/client-cli.jar sample -o "$work/warmup.jpg" >/dev/null

printf '%-24s %8s %9s %12s %12s %6s\n' image MB upload_s arriving_s last_byte_s ratio
for img in "${images[@]}"; do
  start 2; warm; read -r up_a done_a < <(run "$img" "$work/a-arriving.tif"); stop
  start 0; warm; read -r up_w done_w < <(run "$img" "$work/a-waiting.tif"); stop
  same=same; [ "$(checksums "$work/a-arriving.tif")" = "$(checksums "$work/a-waiting.tif")" ] || same=DIFFERENT
  printf '%-24s %8d %9s %12s %12s %6s  %s\n' "$(basename "$img")" $(( $(stat -c %s "$img") >> 20 )) "$up_a/$up_w" \
    "$done_a" "$done_w" "$(echo "$done_a $done_w" | awk '{printf "%.2f", $1/$2}')" "pixels $same"
done
