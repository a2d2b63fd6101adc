package dev.lip.slicer.slicing;

import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;

import java.io.IOException;
import java.nio.file.Path;

/** Publishes a patch into {@code pending/}: written under a hidden name, then renamed, so no worker sees half a file. */
final class PatchWriter {
    private final JobDirectory job;

    PatchWriter(JobDirectory job) {
        this.job = job;
    }

    void write(Tile tile, PixelRegion patch) throws IOException {
        Path tmp = JobDirectory.temporaryFileIn(job.pending());
        PatchFile.write(tmp, patch);
        JobDirectory.moveAtomically(tmp, job.pending().resolve(new PatchName(tile.row(), tile.column()).fileName()));
    }
}
