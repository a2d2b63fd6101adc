package dev.lip.processor.algorithm;

import dev.lip.common.algorithm.AlgorithmSpec;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PixelRegion;

import java.util.Map;

/**
 * The pixel work of one algorithm. It receives a patch (the tile's core plus its halo) and returns the processed
 * core only, as one 8-bit band. Implementations are Spring beans; adding one means adding its class here and its
 * {@link AlgorithmSpec} to the shared catalogue.
 */
public interface PatchAlgorithm {
    AlgorithmSpec spec();

    /**
     * @param patch      pixels of {@code tile.patch()}
     * @param parameters the job's resolved parameters (see {@link AlgorithmSpec#resolve})
     * @return pixels of {@code tile.core()}, one band, 8 bits
     */
    PixelRegion process(PixelRegion patch, Tile tile, Map<String, String> parameters);
}
