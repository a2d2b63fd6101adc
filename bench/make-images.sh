#!/usr/bin/env bash
# Makes reproducible benchmark images with libvips (never committed): structure at several scales
# (Perlin noise at two cell sizes) plus texture (Gaussian noise), as RGB.
#   bench/make-images.sh SIZE [OUTDIR]   -> OUTDIR/rgb-SIZE.jpg (baseline, Q90), rgb-SIZE-tiled.tif (512² tiles, deflate),
#                                          rgb-SIZE.png, rgb-SIZE-jpegtiled.tif (BigTIFF, 512² JPEG tiles)
# Set IMAGES="jpg tif" to make only some of them.
set -euo pipefail
size=${1:?usage: make-images.sh SIZE [OUTDIR]}
out=${2:-$(dirname "$0")/work}
images=${IMAGES:-jpg tif png bigtif}
mkdir -p "$out"
if ! command -v vips >/dev/null; then
  echo "installing libvips-tools (needs root and apt-get)..." >&2
  apt-get update -qq && apt-get install -y -qq libvips-tools >/dev/null
fi
src="$out/rgb-$size.v"
if [ ! -f "$src" ]; then
  tmp=$(mktemp -d "$out/tmp.XXXX")
  vips perlin "$tmp/a.v" "$size" "$size" --cell-size 997 --uchar --seed 1
  vips perlin "$tmp/b.v" "$size" "$size" --cell-size 61 --uchar --seed 2
  vips gaussnoise "$tmp/n.v" "$size" "$size" --mean 0 --sigma 18 --seed 3
  # R: coarse structure + texture; G: fine structure + texture; B: their mean
  vips add "$tmp/a.v" "$tmp/n.v" "$tmp/r.v"
  vips add "$tmp/b.v" "$tmp/n.v" "$tmp/g.v"
  vips add "$tmp/a.v" "$tmp/b.v" "$tmp/s.v"
  vips linear "$tmp/s.v" "$tmp/bl.v" 0.5 0
  vips bandjoin "$tmp/r.v $tmp/g.v $tmp/bl.v" "$tmp/rgbf.v"
  vips cast "$tmp/rgbf.v" "$src" uchar
  rm -rf "$tmp"
fi
for kind in $images; do
  case $kind in
    jpg) f="$out/rgb-$size.jpg"; [ -f "$f" ] || vips jpegsave "$src" "$f" --Q 90 ;;
    tif) f="$out/rgb-$size-tiled.tif"; [ -f "$f" ] || vips tiffsave "$src" "$f" --tile --tile-width 512 --tile-height 512 --compression deflate $( [ "$size" -gt 36000 ] && echo --bigtiff ) ;;
    png) f="$out/rgb-$size.png"; [ -f "$f" ] || vips pngsave "$src" "$f" --compression 6 ;;
    bigtif) f="$out/rgb-$size-jpegtiled.tif"; [ -f "$f" ] || vips tiffsave "$src" "$f" --tile --tile-width 512 --tile-height 512 --compression jpeg --Q 90 --bigtiff ;;
  esac
  echo "$f"
done
