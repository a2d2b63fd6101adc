#!/usr/bin/env python3
"""A patch worker in Python, written from docs/protocol.md alone: it claims patches from the work directory,
processes them with numpy and publishes the results, beside (or instead of) the Java patch-processor.

    python3 examples/python_worker.py --temp-dir temp [--algorithms threshold,otsu] [--idle-exit 0]

Only numpy is needed: patch files are a 32-byte header and raw samples. Put your own model where `process` is.
"""
import argparse
import json
import os
import struct
import sys
import time
import uuid

import numpy as np

HEADER = struct.Struct("<4siiiiiHHi")  # magic, version, x, y, width, height, bands, bits, reserved


def read_patch(path):
    with open(path, "rb") as f:
        raw = f.read()
    magic, version, x, y, w, h, bands, bits, _ = HEADER.unpack_from(raw)
    if magic != b"LIPP" or version != 1:
        raise ValueError(f"{path} is not a version-1 patch file")
    dtype = np.uint8 if bits == 8 else np.dtype("<u2")
    pixels = np.frombuffer(raw, dtype=dtype, offset=HEADER.size).reshape(h, w, bands)
    return (x, y, w, h), pixels


def write_patch(path, rect, pixels):
    x, y, w, h = rect
    bands = pixels.shape[2] if pixels.ndim == 3 else 1
    bits = 8 if pixels.dtype == np.uint8 else 16
    with open(path, "wb") as f:
        f.write(HEADER.pack(b"LIPP", 1, x, y, w, h, bands, bits, 0))
        f.write(np.ascontiguousarray(pixels, dtype=pixels.dtype.newbyteorder("<")).tobytes())


def core_rect(manifest, row, col):
    """The tile's core, from the grid in the manifest (docs/protocol.md, 'Tile geometry')."""
    ts = manifest["grid"]["tileSize"]
    width, height = manifest["image"]["width"], manifest["image"]["height"]
    x, y = col * ts, row * ts
    return x, y, min(ts, width - x), min(ts, height - y)


def luma1000(pixels):
    p = pixels.astype(np.int64)
    if p.shape[2] >= 3:
        return 299 * p[..., 0] + 587 * p[..., 1] + 114 * p[..., 2]
    return 1000 * p[..., 0]


def process(manifest, patch_rect, pixels, core):
    """Returns the core's result as uint8 (0 or 255), exactly as the Java algorithms compute it."""
    px, py, _, _ = patch_rect
    cx, cy, cw, ch = core
    view = pixels[cy - py:cy - py + ch, cx - px:cx - px + cw]
    algorithm, params = manifest["algorithm"], manifest["parameters"]
    if algorithm == "threshold":
        on = luma1000(view) >= 1000 * int(params["threshold"])
        if params.get("invert") == "true":
            on = ~on
    elif algorithm == "otsu":
        floor = luma1000(view) // 1000
        if manifest["image"]["bitsPerSample"] == 16:
            floor >>= 8
        on = floor > int(manifest["jobValues"]["otsuThreshold"])
    else:
        raise ValueError(f"this worker cannot run {algorithm}")
    return np.where(on, 255, 0).astype(np.uint8)


def atomic_write_text(path, text):
    tmp = os.path.join(os.path.dirname(path), f".{uuid.uuid4()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(tmp, path)


def work_once(temp_dir, algorithms):
    """Claims and processes every pending patch it can; returns how many it processed."""
    done_count = 0
    for job_id in sorted(os.listdir(temp_dir)):
        job = os.path.join(temp_dir, job_id)
        try:
            with open(os.path.join(job, "manifest.json"), encoding="utf-8") as f:
                manifest = json.load(f)
            names = [n for n in os.listdir(os.path.join(job, "pending")) if n.endswith(".patch") and not n.startswith(".")]
        except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
            continue  # not ready, or cancelled meanwhile
        if manifest["algorithm"] not in algorithms:
            continue  # leave it to a worker that knows the algorithm
        for name in names:
            claimed = os.path.join(job, "claimed", name)
            try:
                os.rename(os.path.join(job, "pending", name), claimed)  # the claim: exactly one worker wins
                os.utime(claimed)  # starts the lease
            except FileNotFoundError:
                continue  # another worker was faster, or the job is gone
            row, col = (int(part[1:]) for part in name[:-len(".patch")].split("-"))
            try:
                rect, pixels = read_patch(claimed)
                core = core_rect(manifest, row, col)
                result = process(manifest, rect, pixels, core)
                tmp = os.path.join(job, "done", f".{uuid.uuid4()}.tmp")
                write_patch(tmp, core, result)
                os.rename(tmp, os.path.join(job, "done", name))  # publish atomically
                os.remove(claimed)
                done_count += 1
            except FileNotFoundError:
                continue  # cancelled while we worked
            except Exception as e:  # report the patch as failed, with the reason
                try:
                    atomic_write_text(os.path.join(job, "failed", name + ".error"), f"python worker: {e}")
                    os.rename(claimed, os.path.join(job, "failed", name))
                except FileNotFoundError:
                    pass
    return done_count


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--temp-dir", default="temp")
    ap.add_argument("--algorithms", default="threshold,otsu")
    ap.add_argument("--poll", type=float, default=0.1, help="seconds between scans when idle")
    ap.add_argument("--idle-exit", type=float, default=0, help="exit after this many idle seconds (0: never)")
    args = ap.parse_args()
    algorithms = set(args.algorithms.split(","))
    idle_since = time.monotonic()
    print(f"python worker: processing {sorted(algorithms)} under {os.path.abspath(args.temp_dir)}", flush=True)
    while True:
        if work_once(args.temp_dir, algorithms):
            idle_since = time.monotonic()
        elif args.idle_exit and time.monotonic() - idle_since > args.idle_exit:
            return 0
        else:
            time.sleep(args.poll)


if __name__ == "__main__":
    sys.exit(main())
