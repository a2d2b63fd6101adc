#!/usr/bin/env bash
# End-to-end benchmark, run by hand (not by CI). Starts slicer-api and patch-processor once (-Xmx512m each, with the
# services' recommended -XX:+UseSerialGC -Xmn64m: HEAP overrides), warms
# them up on a small image, then for each image times `lip process` from upload to downloaded result and, back to
# back on the same machine, libvips doing the same job twice: with a few lines of C against libvips
# (bench/vips-threshold.c, the tight baseline) and with the vips CLI as the issue suggests (recomb piped as float
# PFM into relational_const). libvips 8.14 cannot set a deflate level (its `level` is for zstd): it writes at zlib's
# default, 6, with a horizontal predictor; the project at its default, lip.deflate-level=1 (LEVEL=6 to match).
#
#   bench/bench.sh [IMAGE...]          default: the 20000² set in both contents (realistic first, then textured; see
#                                      bench/make-images.sh) and the 50000² textured JPEG-tiled BigTIFF, made if missing
#   SIZE_SET=1 SIZE=30000 IMAGES="jpg tif" bench/bench.sh     (the set bench/make-images.sh makes at SIZE)
#   BASELINE=0 HEAP="-Xmx512m -XX:..." bench/bench.sh IMAGE   (the project alone, for quick comparisons)
#   FORMAT=tiff bench/bench.sh         the result's layout (default cog, the project's default: a pyramid; libvips
#                                      then writes its pyramid too, 2x2 means); tiff: one level on both sides
#   PREVIEW=1 bench/bench.sh           jobs keep the input's JPEG preview pyramid for the viewer (lip --preview), as
#                                      jobs started from the web page do
#   REPEAT=3 bench/bench.sh            each image (and each libvips run) three times, the median reported (and
#                                      each run on a line of its own); the peaks are the highest of the runs, the
#                                      stages the last run's
#   FILE=1 bench/bench.sh              the images read in place (lip process file://..., bench/work a source root):
#                                      no upload
#
# Prints one row per image: seconds (project, libvips C, ratio, libvips CLI, ratio), the fraction of output pixels
# that differ from libvips' (libvips computes luma in floating point, we in exact integers, so boundary pixels may
# differ), each JVM's peak RSS during that image (VmHWM, reset before each image) and the client's, and the
# project's per-stage seconds from the job status, and decoding alone: our source on one thread against libvips
# reading every pixel (decode_s/vips), which says how much of the time is the decoder's.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-20000}
HEAP=${HEAP:--Xmx512m -XX:+UseSerialGC -Xmn64m}
TILE=${TILE:-512}
LEVEL=${LEVEL:-1}
preview_opt=(); [ "${PREVIEW:-0}" = 1 ] && preview_opt=(--preview)
FORMAT=${FORMAT:-cog}
if [ "$FORMAT" = tiff ]; then export VIPS_PYRAMID=0; pyramid_opts=; else export VIPS_PYRAMID=1; pyramid_opts=,pyramid,region-shrink=mean; fi
work=bench/work
mkdir -p "$work"
command -v vips >/dev/null || { apt-get update -qq && apt-get install -y -qq libvips-tools >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq bc >/dev/null; }
pkg-config --exists vips 2>/dev/null || { apt-get update -qq && apt-get install -y -qq libvips-dev >/dev/null; }
[ "$work/vips-threshold" -nt bench/vips-threshold.c ] || gcc -O2 -o "$work/vips-threshold" bench/vips-threshold.c $(pkg-config --cflags --libs vips)
[ -f slicer-api/target/slicer-api.jar ] && [ -f client-cli/target/client-cli.jar ] || ./mvnw -q -B -DskipTests package

if [ $# -gt 0 ]; then
  images=("$@")
elif [ -n "${SIZE_SET:-}" ]; then
  mapfile -t images < <(bench/make-images.sh "$SIZE" "$work")
else # 20000² JPEG, tiled TIFF, PNG and JPEG-tiled BigTIFF, realistic and textured, and the 50000² JPEG-tiled BigTIFF
  mapfile -t images < <(CONTENT=realistic bench/make-images.sh 20000 "$work"; bench/make-images.sh 20000 "$work";
    IMAGES=bigtif bench/make-images.sh 50000 "$work")
fi
printf '3 1\n0.299 0.587 0.114\n' > "$work/luma.mat"
client=(./lip)  # as a user runs it, the launcher and its class archive included
api_port=18480; proc_port=18481

start_services() {
  rm -rf "$work/temp" "$work/results"
  java $HEAP -jar slicer-api/target/slicer-api.jar --server.port=$api_port --lip.temp-dir="$work/temp" \
    --lip.result-dir="$work/results" --lip.deflate-level=$LEVEL --lip.retention=1m \
    --lip.source-roots="$(realpath "$work")" > "$work/slicer-api.log" 2>&1 &
  api_pid=$!
  java $HEAP -jar patch-processor/target/patch-processor.jar --server.port=$proc_port --lip.temp-dir="$work/temp" \
    > "$work/patch-processor.log" 2>&1 &
  proc_pid=$!
  for port in $api_port $proc_port; do
    for _ in $(seq 1 240); do curl -fs "http://localhost:$port/actuator/health" >/dev/null 2>&1 && break; sleep 0.5; done
  done
  [ -f "$work/warmup.jpg" ] || "${client[@]}" sample "$work/warmup.jpg" --width 2000 --height 2000 >/dev/null
  for _ in 1 2; do
    "${client[@]}" process "$work/warmup.jpg" -o "$work/warmup.tif" -q --api "http://localhost:$api_port" >/dev/null
  done
  # ./lip archives the client's classes after its first job, in the background: not during a measured run
  for _ in $(seq 1 100); do [ client-cli/target/client-cli.jsa -nt client-cli/target/client-cli.jar ] && break; sleep 0.2; done
}
stop_services() {
  kill $api_pid $proc_pid 2>/dev/null || true
  wait $api_pid $proc_pid 2>/dev/null || true
}
trap stop_services EXIT
peak_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$1/status"; }
reset_peak() { echo 5 > "/proc/$1/clear_refs"; }

start_services
printf '%-28s %9s %9s %6s %9s %6s %9s %8s %8s %8s %8s %9s %11s   %s\n' image project_s vipsC_s ratio vipsCLI_s ratio mismatch \
  api_MB dec_MB proc_MB cli_MB out_MB/vips decode_s/vips 'stages (s): upload slicing processing stitching | rest'
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
# One run of the project on $img: sets p (seconds), the peaks (the highest over the runs so far), stages and span.
run_project() {
  reset_peak $api_pid; reset_peak $proc_pid
  local t0 t1 id
  t0=$(date +%s.%N)
  local input=$img; [ "${FILE:-0}" = 1 ] && input="file://$(realpath "$img")" # read in place: no upload
  /usr/bin/time -f '%M' -o "$work/client.rss" "${client[@]}" process "$input" -o "$out" -q --tile-size "$TILE" --result-format "$FORMAT" \
    "${preview_opt[@]}" --api "http://localhost:$api_port" > "$work/client.out" 2> "$work/client.err" || { cat "$work/client.err"; exit 1; }
  t1=$(date +%s.%N)
  p=$(echo "$t1 - $t0" | bc)
  id=$(sed -n 's/^Job \([0-9a-f-]*\):.*/\1/p' "$work/client.out")
  api_mb=$(( $(peak_mb $api_pid) > ${api_mb:-0} ? $(peak_mb $api_pid) : ${api_mb:-0} ))
  proc_mb=$(( $(peak_mb $proc_pid) > ${proc_mb:-0} ? $(peak_mb $proc_pid) : ${proc_mb:-0} ))
  # the job's decoder process (probe and slicing), which has exited by now: slicer-api logs its peak
  local d; d=$(sed -n "s/.*job $id: decoder process [0-9]* ended, peak \([0-9]*\) MB.*/\1/p" "$work/slicer-api.log" | sort -n | tail -n1)
  dec_mb=$(( ${d:-0} > ${dec_mb:-0} ? ${d:-0} : ${dec_mb:-0} ))
  local c=$(( $(tail -n1 "$work/client.rss") / 1024 )); cli_mb=$(( c > ${cli_mb:-0} ? c : ${cli_mb:-0} ))
  # Stages overlap (processing runs while slicing; stitching follows the results), so "rest" is the run's time
  # outside the span from the upload's start to the last stage's end: client start-up, the upload's bytes (received
  # before the job exists), polling, download.
  stages=$(curl -s "http://localhost:$api_port/api/v1/jobs/$id" | python3 -c '
import json, sys
from datetime import datetime
s = json.load(sys.stdin)["stages"]
t = lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
span = max(t(x["endedAt"]) for x in s.values()) - t(s["upload"]["startedAt"])
print(" ".join(str(s[k]["seconds"]) for k in ("upload", "slicing", "processing", "stitching")), round(span, 2))')
  span=${stages##* }; stages=${stages% *}
  curl -s -X DELETE "http://localhost:$api_port/api/v1/jobs/$id" >/dev/null || true
}
[ -f "$work/formats.cp" ] || ./mvnw -q -B dependency:build-classpath -pl lip-formats -Dmdep.outputFile="$PWD/$work/formats.cp" >/dev/null
formats_cp="$(cat "$work/formats.cp"):$(ls lip-formats/target/lip-formats-*[0-9T].jar):$(ls lip-common/target/lip-common-*[0-9T].jar)"
REPEAT=${REPEAT:-1}
for img in "${images[@]}"; do
  name=$(basename "$img")
  out="$work/$name.project.tif"
  unset api_mb proc_mb cli_mb dec_mb
  runs=()
  for _ in $(seq 1 "$REPEAT"); do run_project; runs+=("$p"); done
  p=$(printf '%s\n' "${runs[@]}" | median)
  out_mb=$(( $(stat -c %s "$out") / 1048576 ))
  if [ "${BASELINE:-1}" = 0 ]; then # quick runs of the project alone
    printf '%-28s %9.1f %8s %8s %8s %8s   %s\n' "$name" "$p" "$api_mb" "$dec_mb" "$proc_mb" "$cli_mb" "$stages"
    rm -f "$out"; continue
  fi
  ref="$work/$name.vips.tif"
  cli="$work/$name.vipscli.tif"
  vruns=(); cruns=()
  for _ in $(seq 1 "$REPEAT"); do
    t2=$(date +%s.%N)
    "$work/vips-threshold" "$img" "$ref"
    t3=$(date +%s.%N)
    vips recomb "$img" .pfm "$work/luma.mat" | vips relational_const stdin \
      "$cli[tile,tile-width=$TILE,tile-height=$TILE,compression=deflate$pyramid_opts]" moreeq 128
    t4=$(date +%s.%N)
    vruns+=("$(echo "$t3 - $t2" | bc)"); cruns+=("$(echo "$t4 - $t3" | bc)")
  done
  v=$(printf '%s\n' "${vruns[@]}" | median); c=$(printf '%s\n' "${cruns[@]}" | median)
  # Decoding alone: our source streaming every row on one thread (bench/DecodeTime.java), and libvips reading every
  # pixel (vips avg, on its own threads)
  ours=$(java -Xmx512m -cp "$formats_cp" bench/DecodeTime.java "$img" 2>/dev/null)
  t5=$(date +%s.%N); vips avg "$img" >/dev/null; t6=$(date +%s.%N)
  vdecode=$(echo "$t6 - $t5" | bc)
  vips relational "$out" "$ref" "$work/diff.v" noteq
  mismatch=$(vips avg "$work/diff.v" | awk '{printf "%.2e", $1/255}')
  ref_mb=$(( $(stat -c %s "$ref") / 1048576 ))
  rm -f "$work/diff.v" "$cli" "$ref" "$out"
  rest=$(echo "$p - $span" | bc)
  printf '%-28s %9.1f %9.1f %6.2f %9.1f %6.2f %9s %8s %8s %8s %8s %9s %11s   %s | %.1f\n' "$name" "$p" "$v" "$(echo "$p / $v" | bc -l)" \
    "$c" "$(echo "$p / $c" | bc -l)" "$mismatch" "$api_mb" "$dec_mb" "$proc_mb" "$cli_mb" "$out_mb/$ref_mb" \
    "$(printf '%.1f/%.1f' "$ours" "$vdecode")" "$stages" "$rest"
  if [ "$REPEAT" -gt 1 ]; then # each run, to see the noise the medians hide
    printf '%-28s runs: ours %s  libvips C %s\n' "" "$(printf '%.1f ' "${runs[@]}")" "$(printf '%.1f ' "${vruns[@]}")"
  fi
done
