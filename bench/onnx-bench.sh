#!/usr/bin/env bash
# Throughput of the onnx algorithm with a real pretrained network (PP-OCRv4 text detection), run by hand.
# Starts slicer-api once and a patch-processor per configuration (-Xmx512m each), warms up, then runs
# `lip process` over one image per configuration and prints seconds, Mpx/s of image pixels through the processing
# stage and end to end, and each JVM's peak RSS (VmHWM, reset before each run; ONNX Runtime's native memory is in
# the processor's RSS, not its Java heap).
#
#   bench/onnx-bench.sh [IMAGE]           default: bench/make-images.sh's rgb-SIZE.jpg, SIZE=8000
#   CONFIGS="2:1:1 1:2:1 2:1:4" TILE=512 OVERLAP=64 bench/onnx-bench.sh
#   (a configuration is lip.threads:lip.inference-threads:batch)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-8000}
HEAP=${HEAP:--Xmx512m -XX:+UseSerialGC -Xmn64m}
TILE=${TILE:-512}
OVERLAP=${OVERLAP:-64}
CONFIGS=${CONFIGS:-"2:1:1 1:2:1 2:1:4 1:2:4"}
work=bench/work
mkdir -p "$work"
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq bc >/dev/null; }
models/fetch-models.sh >/dev/null
[ -f slicer-api/target/slicer-api.jar ] && [ -f client-cli/target/client-cli.jar ] || ./mvnw -q -B -DskipTests package
img=${1:-$(IMAGES=jpg bench/make-images.sh "$SIZE" "$work")}
client=(./lip)  # as a user runs it, the launcher and its class archive included
api_port=18480; proc_port=18481
model=(--algorithm onnx --tile-size "$TILE" --overlap "$OVERLAP" --param model=ch_PP-OCRv4_det_infer.onnx
       --param channels=bgr --param mean=0.485,0.456,0.406 --param std=0.229,0.224,0.225)
api_pid=; proc_pid=
stop() { kill $api_pid $proc_pid 2>/dev/null || true; wait $api_pid $proc_pid 2>/dev/null || true; }
trap stop EXIT
healthy() { for _ in $(seq 1 240); do curl -fs "http://localhost:$1/actuator/health" >/dev/null 2>&1 && return; sleep 0.5; done; }
peak_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$1/status"; }

rm -rf "$work/temp" "$work/results"
java $HEAP -jar slicer-api/target/slicer-api.jar --server.port=$api_port --lip.temp-dir="$work/temp" \
  --lip.result-dir="$work/results" --lip.retention=1m > "$work/slicer-api.log" 2>&1 &
api_pid=$!
healthy $api_port
[ -f "$work/warmup.jpg" ] || "${client[@]}" sample "$work/warmup.jpg" --width 2000 --height 2000 >/dev/null
echo "image: $img, tile $TILE, overlap $OVERLAP, PP-OCRv4 det, blend gaussian"
printf '%-8s %-6s %-6s %9s %12s %12s %8s %8s   %s\n' threads infer batch total_s process_Mpx/s e2e_Mpx/s api_MB proc_MB \
  'stages (s): upload slicing processing stitching'
for cfg in $CONFIGS; do
  IFS=: read -r threads infer batch <<< "$cfg"
  java $HEAP -jar patch-processor/target/patch-processor.jar --server.port=$proc_port --lip.temp-dir="$work/temp" \
    --lip.threads="$threads" --lip.inference-threads="$infer" > "$work/patch-processor.log" 2>&1 &
  proc_pid=$!
  healthy $proc_port
  "${client[@]}" process "$work/warmup.jpg" -o "$work/warmup.tif" -q --api "http://localhost:$api_port" \
    "${model[@]}" --param batch="$batch" >/dev/null
  echo 5 > /proc/$api_pid/clear_refs; echo 5 > /proc/$proc_pid/clear_refs
  t0=$(date +%s.%N)
  "${client[@]}" process "$img" -o "$work/onnx-result.tif" -q --api "http://localhost:$api_port" "${model[@]}" \
    --param batch="$batch" > "$work/client.out"
  t1=$(date +%s.%N)
  id=$(sed -n 's/^Job \([0-9a-f-]*\):.*/\1/p' "$work/client.out")
  curl -s "http://localhost:$api_port/api/v1/jobs/$id" > "$work/job.json"
  stages=$(jq -r '[.stages.upload.seconds, .stages.slicing.seconds, .stages.processing.seconds, .stages.stitching.seconds] | map(tostring) | join(" ")' "$work/job.json")
  processing=$(jq -r '.stages.processing.seconds' "$work/job.json")
  mpx=$(jq -r '.image.width * .image.height / 1000000' "$work/job.json")
  total=$(echo "$t1 - $t0" | bc)
  printf '%-8s %-6s %-6s %9.1f %12.2f %12.2f %8s %8s   %s\n' "$threads" "$infer" "$batch" "$total" \
    "$(echo "$mpx / $processing" | bc -l)" "$(echo "$mpx / $total" | bc -l)" "$(peak_mb $api_pid)" "$(peak_mb $proc_pid)" "$stages"
  curl -s -X DELETE "http://localhost:$api_port/api/v1/jobs/$id" >/dev/null || true
  kill $proc_pid; wait $proc_pid 2>/dev/null || true; proc_pid=
done
