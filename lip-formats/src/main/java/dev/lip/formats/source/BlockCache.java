package dev.lip.formats.source;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last decoded blocks that a region read only in part, within a byte budget, least recently used out first.
 * Patches with a halo overlap: with 512² tiles and a halo of 16, a patch touches nine tiles and uses a strip of
 * eight of them, which its neighbours along the row use again; without this each tile was decoded once for every
 * patch touching it (up to nine times), now about three (once a row of patches). Blocks a region covers whole are
 * not put here (patches without a halo never read a block twice), but are looked up. Shared by the threads of a {@link TiffBlockReader}; two threads may decode the same block at
 * once, which costs a decode, not correctness.
 */
final class BlockCache {
    /** A decoded block: its samples and how many of its rows are in the image (a last strip has fewer). */
    record Block(byte[] samples, int rows) {
    }

    private final long budget;
    private long bytes;
    private final LinkedHashMap<Integer, Block> blocks = new LinkedHashMap<>(16, 0.75f, true);

    BlockCache(long budget) {
        this.budget = budget;
    }

    synchronized Block get(int index) {
        return blocks.get(index);
    }

    synchronized void put(int index, Block block) {
        Block old = blocks.put(index, block);
        bytes += block.samples().length - (old == null ? 0 : old.samples().length);
        var it = blocks.entrySet().iterator();
        while (bytes > budget && it.hasNext()) {
            Map.Entry<Integer, Block> eldest = it.next();
            if (eldest.getKey() == index) {
                continue;
            }
            bytes -= eldest.getValue().samples().length;
            it.remove();
        }
    }
}
