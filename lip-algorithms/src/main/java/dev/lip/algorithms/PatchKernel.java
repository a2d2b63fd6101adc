package dev.lip.algorithms;

import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PixelRegion;

import java.util.ArrayList;
import java.util.List;

/** One job's pixel work, prepared by {@link Kernel#forJob}: settings parsed and job values read, once. Thread-safe. */
@FunctionalInterface
public interface PatchKernel {

    /**
     * Processes one patch.
     *
     * @param patch pixels of {@code tile.patch()}: the core and its halo, clipped to the image
     * @return with {@link dev.lip.algorithms.blend.Blend#CROP} the pixels of {@code tile.core()} as one 8-bit band;
     * otherwise 32-bit float predictions over {@code tile.patch()}, one band per channel
     */
    PixelRegion process(PixelRegion patch, Tile tile);

    /** Several patches of the job at once (one model call for all, say); by default one {@link #process} each. */
    default List<PixelRegion> processBatch(List<PixelRegion> patches, List<Tile> tiles) {
        List<PixelRegion> out = new ArrayList<>(patches.size());
        for (int i = 0; i < patches.size(); i++) {
            out.add(process(patches.get(i), tiles.get(i)));
        }
        return out;
    }
}
