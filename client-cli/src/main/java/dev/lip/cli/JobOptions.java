package dev.lip.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** How a job is to be run; shared by the commands that upload. */
final class JobOptions {
    @Option(names = "--algorithm", description = "Algorithm name (default: threshold; see 'lip algorithms').")
    String algorithm;

    @Option(names = "--tile-size", description = "Core tile size, a multiple of 16 (default 512).")
    Integer tileSize;

    @Option(names = "--overlap", description = "Halo in pixels around each tile (default 0).")
    Integer overlap;

    @Option(names = "--result-format", paramLabel = "FORMAT", description = "cog (default: a Cloud Optimized GeoTIFF "
            + "pyramid), ome-tiff (an OME-TIFF pyramid, for QuPath and Bio-Formats) or tiff (one level).")
    String resultFormat;

    @Option(names = "--preview", description = "Keep a JPEG preview pyramid of the input while%n"
            + "slicing, so that the job's page%n(http://<api>/jobs/<id>) shows the input under%nthe result (costs a "
            + "little slicing time).")
    boolean preview;

    @Option(names = "--no-resume", description = "Start the upload over instead of continuing an earlier, "
            + "interrupted upload of the same file.")
    boolean noResume;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Algorithm parameter, e.g. threshold=100.")
    Map<String, String> params;
}
