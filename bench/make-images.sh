#!/usr/bin/env bash
# Makes reproducible benchmark images with libvips (never committed), as RGB, in one of two kinds of content:
#   CONTENT=realistic  structure at several scales and texture, no per-pixel noise (Perlin noise with cells of 997,
#                      211 and 7 pixels): large uniform regions in a threshold mask, as photos, slides and scenes give.
#                      Files are named rgb-real-SIZE...
#   CONTENT=textured   (the default) structure at two scales plus per-pixel Gaussian noise (sigma 18): a worst case
#                      whose masks are noise. Files are named rgb-SIZE...
#   bench/make-images.sh SIZE [OUTDIR]   -> OUTDIR/<name>.jpg (baseline, Q90), <name>-tiled.tif (512² tiles, deflate),
#                                          <name>.png, <name>-jpegtiled.tif (BigTIFF, 512² JPEG tiles)
# Set IMAGES="jpg tif" to make only some of them.
#
# Every intermediate is 8-bit and float steps are streamed through pipes, so a 50000² source needs about 20 GB of
# scratch space (float intermediate files would need ~90 GB), deleted when the source is made.
set -euo pipefail
size=${1:?usage: make-images.sh SIZE [OUTDIR]}
out=${2:-$(dirname "$0")/work}
images=${IMAGES:-jpg tif png bigtif}
content=${CONTENT:-textured}
name=rgb-$size
[ "$content" = realistic ] && name=rgb-real-$size
mkdir -p "$out"
if ! command -v vips >/dev/null; then
  echo "installing libvips-tools (needs root and apt-get)..." >&2
  apt-get update -qq && apt-get install -y -qq libvips-tools >/dev/null
fi
src="$out/$name.v"
if [ ! -f "$src" ] && [ "$content" = realistic ]; then
  tmp=$(mktemp -d "$out/tmp.XXXX")
  vips perlin "$tmp/a.v" "$size" "$size" --cell-size 997 --uchar --seed 1
  vips perlin "$tmp/b.v" "$size" "$size" --cell-size 211 --uchar --seed 2
  vips perlin "$tmp/c.v" "$size" "$size" --cell-size 7 --uchar --seed 3
  # Each band a weighted sum of the three (weights in tenths): the fine texture is weak in the luma (about +-13 of
  # the structure's +-100), so a threshold gives large uniform regions with textured edges.
  mix() { # OUT wa wb wc
    vips linear "$tmp/a.v" "$tmp/wa.v" "0.$2" 0 --uchar
    vips linear "$tmp/b.v" "$tmp/wb.v" "0.$3" 0 --uchar
    vips linear "$tmp/c.v" "$tmp/wc.v" "0.$4" 0 --uchar
    vips add "$tmp/wa.v" "$tmp/wb.v" "$tmp/ab.v"
    vips add "$tmp/ab.v" "$tmp/wc.v" "$tmp/abc.v"
    vips cast "$tmp/abc.v" "$tmp/$1" uchar
    rm "$tmp/wa.v" "$tmp/wb.v" "$tmp/wc.v" "$tmp/ab.v" "$tmp/abc.v"
  }
  mix r.v 6 4 0
  mix g.v 5 4 1
  mix bl.v 3 3 4
  rm "$tmp/a.v" "$tmp/b.v" "$tmp/c.v"
  vips bandjoin "$tmp/r.v $tmp/g.v $tmp/bl.v" "$tmp/joined.v"
  rm "$tmp/r.v" "$tmp/g.v" "$tmp/bl.v"
  vips copy "$tmp/joined.v" "$tmp/rgb.v" --interpretation srgb
  mv "$tmp/rgb.v" "$src"
  rm -rf "$tmp"
fi
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
    jpg) f="$out/$name.jpg"; [ -f "$f" ] || vips jpegsave "$src" "$f" --Q 90 ;;
    tif) f="$out/$name-tiled.tif"; [ -f "$f" ] || vips tiffsave "$src" "$f" --tile --tile-width 512 --tile-height 512 --compression deflate $( [ "$size" -gt 36000 ] && echo --bigtiff ) ;;
    png) f="$out/$name.png"; [ -f "$f" ] || vips pngsave "$src" "$f" --compression 6 ;;
    bigtif) f="$out/$name-jpegtiled.tif"; [ -f "$f" ] || vips tiffsave "$src" "$f" --tile --tile-width 512 --tile-height 512 --compression jpeg --Q 90 --bigtiff ;;
  esac
  echo "$f"
done
