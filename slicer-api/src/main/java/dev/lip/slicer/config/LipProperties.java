package dev.lip.slicer.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.lip.slicer.decoding.DecoderLimits;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings under {@code lip.*} (application.yml, environment {@code LIP_...}, or {@code --lip.x=y}).
 *
 * @param tempDir                  the work directory shared with the processors
 * @param resultDir                where stitched results go
 * @param progressiveJpegMaxPixels progressive JPEGs must be decoded whole; larger ones are refused
 * @param leaseTimeout             a claimed patch whose processor has not renewed its claim this long is queued again
 * @param stitchThreads            threads compressing output tiles (0: one per core)
 * @param sliceThreads             threads decoding patches of a tiled TIFF or BigTIFF our block reader reads, all
 *                                 through one file handle (0, the default: one per core); the fallback readers
 *                                 (JDK, AlgART) use one thread, as each instance carries a full reader
 * @param monitorInterval          how often active jobs' patch directories are counted
 * @param deflateLevel             deflate level of the result's tiles, 1 (fastest) to 9 (smallest); libdeflate's or zlib's
 * @param maxUploadBytes           larger uploads are refused with 413 (0: no limit)
 * @param maxPixels                images with more pixels are refused with 400, from their header alone
 * @param minFreeBytes             space to leave free under the work directory: a job whose patches would eat into
 *                                 it is refused before slicing (507)
 * @param retention                ended jobs, and processed ones whose result was never asked for (their work
 *                                 files, status and result), are removed this long after their last change (0:
 *                                 kept forever)
 * @param minUploadRate            bytes a second an upload must average once {@code uploadRateGrace} has passed;
 *                                 slower ones are cut off (400) so that trickled bodies cannot hold threads
 * @param uploadRateGrace          how long an upload may take before its rate is checked
 * @param maxConcurrentUploads     uploads received at once; more are answered 503 with Retry-After
 * @param monitorStepDeadline      how long the monitor waits for one job's step (counting, reclaim) before it skips
 *                                 that job and reports itself DOWN in health
 * @param uploadDir                where resumable (tus) uploads are received; empty: {@code .uploads} in the result
 *                                 directory. Not under the work directory, which other processes may write: the tus
 *                                 library follows links there
 * @param uploadExpiry             resumable uploads not used for a job this long after their last byte are removed
 * @param maxExpansion             images whose samples would take more than this many times their file's bytes are
 *                                 refused (400): no real image compresses that well
 * @param arrivingSlicings         jobs made with their resumable upload (a JPEG or PNG) that may start slicing while
 *                                 the upload still arrives, at once; each holds a decoder process waiting for bytes.
 *                                 Others wait for their last byte. 0: none
 * @param decoder                  the decoder processes every image is read in (probe and slicing): their limits
 */
@ConfigurationProperties("lip")
public record LipProperties(
        @DefaultValue("temp") Path tempDir,
        @DefaultValue("big_image_result") Path resultDir,
        @DefaultValue("100000000") long progressiveJpegMaxPixels,
        @DefaultValue("30s") Duration leaseTimeout,
        @DefaultValue("0") int stitchThreads,
        @DefaultValue("0") int sliceThreads,
        @DefaultValue("200ms") Duration monitorInterval,
        @DefaultValue("1") int deflateLevel,
        @DefaultValue("0") long maxUploadBytes,
        @DefaultValue("10000000000") long maxPixels,
        @DefaultValue("1073741824") long minFreeBytes,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("16384") long minUploadRate,
        @DefaultValue("30s") Duration uploadRateGrace,
        @DefaultValue("8") int maxConcurrentUploads,
        @DefaultValue("30s") Duration monitorStepDeadline,
        Path uploadDir,
        @DefaultValue("24h") Duration uploadExpiry,
        @DefaultValue Decoder decoder,
        @DefaultValue("4096") long maxExpansion,
        @DefaultValue("2") int arrivingSlicings) {

    /**
     * {@code lip.decoder.*}: every image is read in a process of its own (see dev.lip.slicer.decoding), so that a
     * decoder's crash or runaway allocation fails one job and never the service.
     *
     * @param heap         the decoder process's Java heap
     * @param maxMemory    its resident memory, heap and native: above this it is stopped and the job fails
     * @param addressSpace its address space (ulimit -v), so that one huge native allocation fails at once; 0: none
     * @param stallTimeout it is stopped after saying nothing (no patch sliced) this long
     * @param javaOptions  more JVM options for it, space-separated (after the service's own)
     */
    public record Decoder(@DefaultValue("320MB") DataSize heap, @DefaultValue("560MB") DataSize maxMemory,
                          @DefaultValue("2GB") DataSize addressSpace, @DefaultValue("5m") Duration stallTimeout,
                          @DefaultValue("") String javaOptions) {
        public java.util.List<String> javaOptionList() {
            return javaOptions.isBlank() ? java.util.List.of() : java.util.List.of(javaOptions.trim().split("\\s+"));
        }

        public DecoderLimits limits() {
            return new DecoderLimits(heap.toBytes(), maxMemory.toBytes(), addressSpace.toBytes(), stallTimeout);
        }
    }

    public Path effectiveUploadDir() {
        return uploadDir != null && !uploadDir.toString().isEmpty() ? uploadDir : resultDir.resolve(".uploads");
    }

    public int effectiveSliceThreads() {
        return sliceThreads > 0 ? sliceThreads : Runtime.getRuntime().availableProcessors();
    }

    public int effectiveStitchThreads() {
        return stitchThreads > 0 ? stitchThreads : Runtime.getRuntime().availableProcessors();
    }
}
