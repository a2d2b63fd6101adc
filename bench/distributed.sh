#!/usr/bin/env bash
# The distributed mode against the work-directory mode, same images, same run, by hand (not by CI; issue 25).
# Work directory: slicer-api and one patch-processor (2 threads) sharing bench/work/dtemp. Distributed: slicer-api
# with its embedded Artemis broker (lip.broker.embedded) and two patch-processors of one thread each, each with a
# private directory, patches and results in an S3 server (s3proxy on its filesystem backend, started here from the
# e2e tests' class path). Each row: seconds from `lip process` to the downloaded result in each mode, the ratio,
# and each JVM's peak RSS.
#
#   bench/distributed.sh [IMAGE...]      default: the realistic 20000² JPEG and PNG (bench/make-images.sh)
#   REPEAT=3 bench/distributed.sh ...   each mode runs the image 3 times in the same processes; the last is shown
#   SLICER_OPTS=-XX:StartFlightRecording=filename=bench/work/slicer.jfr bench/distributed.sh ...   (a profile;
#   PROCESSOR_OPTS likewise for the processors, with %p in the file name)
#   MODES=distributed bench/distributed.sh ...   one mode only (its column alone is measured)
#   S3_PROVIDER=filesystem-nio2 bench/distributed.sh ...   s3proxy's other file-system backend (session 15: no
#   faster, 20.5 s against 19.0-19.6 for the 20000² JPEG's third job)
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work
HEAP=${HEAP:--Xmx512m -XX:+UseSerialGC -Xmn64m}
mkdir -p "$work"
if [ $# -gt 0 ]; then images=("$@"); else
  mapfile -t images < <(CONTENT=realistic IMAGES="jpg png" bench/make-images.sh 20000 "$work"); fi
[ -f slicer-api/target/slicer-api.jar ] || ./mvnw -q -B -DskipTests package
[ -f "$work/e2e.cp" ] || ./mvnw -q -B -o dependency:build-classpath -pl e2e-tests -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/$work/e2e.cp" >/dev/null
client=(./lip)  # as a user runs it, the launcher and its class archive included
api=18580; s3=18589; broker=18590
export AWS_ENDPOINT_URL=http://127.0.0.1:$s3 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

healthy() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/actuator/health" >/dev/null && return 0; sleep 0.2; done; return 1; }
peak() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status" 2>/dev/null || echo -; }
# CPU seconds a process has used so far (user + system)
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo -; }

start_s3() {
  rm -rf "$work/s3" && mkdir -p "$work/s3"
  cat > "$work/s3.properties" <<P
s3proxy.endpoint=http://127.0.0.1:$s3
s3proxy.authorization=none
jclouds.provider=${S3_PROVIDER:-filesystem}
jclouds.filesystem.basedir=$PWD/$work/s3
P
  # s3proxy logs every buffer at DEBUG unless told otherwise (gigabytes a run, and most of its time)
  cat > "$work/s3-logback.xml" <<X
<configuration><appender name="o" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%d %level %logger %msg%n</pattern></encoder></appender><root level="WARN"><appender-ref ref="o"/></root></configuration>
X
  java -Dlogback.configurationFile="$PWD/$work/s3-logback.xml" -cp "$(cat "$work/e2e.cp")" org.gaul.s3proxy.Main \
    --properties "$work/s3.properties" > "$work/s3proxy.log" 2>&1 &
  pids+=($!); s3_pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$s3/" && break; sleep 0.2; done
  curl -sf -X PUT "http://127.0.0.1:$s3/lip" >/dev/null
}

# $1: mode (workdir|distributed)
start_mode() {
  rm -rf "$work/dtemp" "$work/dresults" "$work/p1" "$work/p2"
  local common=(--server.port=$api --lip.temp-dir="$work/dtemp" --lip.result-dir="$work/dresults" --lip.retention=1m)
  if [ "$1" = workdir ]; then
    java $HEAP -jar slicer-api/target/slicer-api.jar "${common[@]}" > "$work/d-slicer.log" 2>&1 & api_pid=$!
    java $HEAP -jar patch-processor/target/patch-processor.jar --server.port=$((api+1)) --lip.temp-dir="$work/dtemp" \
      --lip.threads=2 > "$work/d-p1.log" 2>&1 & p1=$!; p2=
    pids+=($api_pid $p1)
  else
    local d=(--lip.queue=artemis --lip.store=s3://lip/work)
    java $HEAP ${SLICER_OPTS:-} -jar slicer-api/target/slicer-api.jar "${common[@]}" "${d[@]}" --lip.broker.embedded=true \
      --lip.broker.port=$broker > "$work/d-slicer.log" 2>&1 & api_pid=$!
    pids+=($api_pid)
    healthy $api
    for i in 1 2; do
      mkdir -p "$work/p$i"
      java $HEAP ${PROCESSOR_OPTS:-} -jar patch-processor/target/patch-processor.jar --server.port=$((api+i)) \
        --lip.temp-dir="$work/p$i" --lip.threads=1 "${d[@]}" --spring.artemis.broker-url=tcp://127.0.0.1:$broker > "$work/d-p$i.log" 2>&1 &
      pids+=($!); eval "p$i=$!"
    done
  fi
  healthy $api; healthy $((api+1)); [ -z "${p2:-}" ] || healthy $((api+2))
}

stop_mode() { kill $api_pid $p1 ${p2:-} 2>/dev/null || true; wait $api_pid $p1 ${p2:-} 2>/dev/null || true; }

run_image() {
  local img=$1 out="$work/dresult.tif" t0 t1
  rm -f "$out"
  t0=$(date +%s.%N)
  "${client[@]}" process "$img" -o "$out" -q --tile-size 512 --api "http://127.0.0.1:$api" >/dev/null
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}'
}

start_s3
printf '%-24s %9s %9s %6s  %s\n' image workdir_s distrib_s ratio "peak MB (slicer, processors) workdir | distributed; CPU s (slicer, processors, s3proxy) distributed"
for img in "${images[@]}"; do
  w=-; wpeak=-
  if [[ "${MODES:-workdir distributed}" == *workdir* ]]; then
  start_mode workdir; "${client[@]}" process "$work/warmup.jpg" -o "$work/warm.tif" -q --api "http://127.0.0.1:$api" >/dev/null
  [ "${REPEAT:-1}" -gt 1 ] && for _ in $(seq 2 "${REPEAT}"); do echo "  work directory, first runs: $(run_image "$img") s" >&2; done
  w=$(run_image "$img"); wpeak="$(peak $api_pid), $(peak $p1)"; stop_mode
  fi
  start_mode distributed; "${client[@]}" process "$work/warmup.jpg" -o "$work/warm.tif" -q --api "http://127.0.0.1:$api" >/dev/null
  c0="$(cpu $api_pid) $(cpu $p1) $(cpu $p2) $(cpu $s3_pid)"
  [ "${REPEAT:-1}" -gt 1 ] && for _ in $(seq 2 "${REPEAT}"); do echo "  distributed, first runs: $(run_image "$img") s" >&2; c0="$(cpu $api_pid) $(cpu $p1) $(cpu $p2) $(cpu $s3_pid)"; done
  d=$(run_image "$img"); dpeak="$(peak $api_pid), $(peak $p1), $(peak $p2)"
  dcpu=$(echo "$c0 $(cpu $api_pid) $(cpu $p1) $(cpu $p2) $(cpu $s3_pid)" | awk '{printf "%.1f, %.1f, %.1f, %.1f", $5-$1, $6-$2, $7-$3, $8-$4}')
  stop_mode
  printf '%-24s %9s %9s %6s  %s | %s; %s\n' "$(basename "$img")" "$w" "$d" "$(echo "$d $w" | awk '{if ($2 == "-") printf "-"; else printf "%.2f", $1/$2}')" "$wpeak" "$dpeak" "$dcpu"
done
