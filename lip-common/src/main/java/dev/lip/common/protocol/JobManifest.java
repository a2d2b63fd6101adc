package dev.lip.common.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;

import java.util.Map;

/**
 * {@code temp/<job>/manifest.json}: everything a processor needs to process the job's patches. Written once by the
 * slicer-api before the first patch appears, never changed afterwards. Unknown fields are ignored so that newer
 * slicers can add fields without breaking older workers.
 *
 * @param parameters algorithm parameters as the user gave them (strings), defaults filled in
 * @param jobValues  job-wide values an algorithm needs besides its parameters (a global histogram, say)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobManifest(int protocolVersion, String jobId, ImageInfo image, GridSpec grid, String algorithm,
                          Map<String, String> parameters, Map<String, Object> jobValues) {

    public static final int PROTOCOL_VERSION = 1;

    /** The tile grid as stored in JSON; {@code columns} and {@code rows} are redundant but spare a reader the arithmetic. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GridSpec(int tileSize, int overlap, int columns, int rows) {
        public static GridSpec of(TileGrid grid) {
            return new GridSpec(grid.tileSize(), grid.overlap(), grid.columns(), grid.rows());
        }
    }

    public TileGrid tileGrid() {
        return new TileGrid(image.width(), image.height(), grid.tileSize(), grid.overlap());
    }
}
