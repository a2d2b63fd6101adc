#!/usr/bin/env bash
# Makes reproducible benchmark images with libvips (never committed): structure at several scales
# (Perlin noise at two cell sizes) plus texture (Gaussian noise), as RGB.
#   bench/make-images.sh SIZE [OUTDIR]   -> OUTDIR/rgb-SIZE.jpg (baseline, Q90), rgb-SIZE-tiled.tif (512² tiles, deflate),
#                                          rgb-SIZE.png, rgb-SIZE-jpegtiled.tif (BigTIFF, 512² JPEG tiles)
# Set IMAGES="jpg tif" to make only some of them.
#
# Every intermediate is 8-bit and float steps are streamed through pipes, so a 50000² source needs about 20 GB of
# scratch space (float intermediate files would need ~90 GB), deleted when the source is made.
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
  # Texture: Gaussian noise around 128, clipped to 8 bits.
  vips gaussnoise .pfm "$size" "$size" --mean 128 --sigma 18 --seed 3 | vips cast stdin "$tmp/n.v" uchar
  # R: coarse structure + texture; G: fine structure + texture; B: the mean of the two structures.
  vips add "$tmp/a.v" "$tmp/n.v" .pfm | vips linear --uchar -- stdin "$tmp/r.v" 1 -128
  vips add "$tmp/b.v" "$tmp/n.v" .pfm | vips linear --uchar -- stdin "$tmp/g.v" 1 -128
  rm "$tmp/n.v"
  vips add "$tmp/a.v" "$tmp/b.v" .pfm | vips linear stdin "$tmp/bl.v" 0.5 0 --uchar
  rm "$tmp/a.v" "$tmp/b.v"
  vips bandjoin "$tmp/r.v $tmp/g.v $tmp/bl.v" "$tmp/joined.v"
  rm "$tmp/r.v" "$tmp/g.v" "$tmp/bl.v"
  # The pipes' PFM loads say "b-w"; without sRGB the savers would write grey+alpha PNGs and odd TIFFs.
  vips copy "$tmp/joined.v" "$tmp/rgb.v" --interpretation srgb
  mv "$tmp/rgb.v" "$src"
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
