package dev.lip.common.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One job's directory under the work directory, and the moves of the work-directory protocol (docs/protocol.md):
 * a patch moves {@code pending/ -> claimed/ -> done/} (or {@code failed/}) by atomic renames, and every file appears
 * under its final name only when complete (written under a dot-name first, then renamed). Safe for any number of
 * processes sharing the directory: a rename either wins or finds the file gone.
 */
public final class JobDirectory {
    public static final String MANIFEST = "manifest.json";
    public static final String STATUS = "status.json";
    public static final String UPLOAD = "upload.bin";
    /** Manifests hold a histogram and parameters, a few KB; a larger one is not ours. */
    static final int MAX_MANIFEST_BYTES = 1 << 20;
    private static final Pattern JOB_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String jobId;

    public JobDirectory(Path workDir, String jobId) {
        if (!isValidJobId(jobId)) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        this.jobId = jobId;
        this.dir = workDir.resolve(jobId);
    }

    /** Job ids come from the server, but are checked wherever they become a path so that none can escape. */
    public static boolean isValidJobId(String id) {
        return id != null && JOB_ID.matcher(id).matches();
    }

    public String jobId() {
        return jobId;
    }

    public Path dir() {
        return dir;
    }

    public Path manifestFile() {
        return dir.resolve(MANIFEST);
    }

    /** slicer-api's record of the job ({@code status.json}): what its API shows, and what it recovers from. */
    public Path statusFile() {
        return dir.resolve(STATUS);
    }

    /** The image as uploaded, kept until slicing has finished. */
    public Path uploadFile() {
        return dir.resolve(UPLOAD);
    }

    public Path pending() {
        return dir.resolve("pending");
    }

    public Path claimed() {
        return dir.resolve("claimed");
    }

    public Path done() {
        return dir.resolve("done");
    }

    /**
     * slicer-api's preview of the input (JPEG tiles for its viewer), when the job asked for one. Not part of the
     * protocol: workers never look into it; it goes with the job's directory.
     */
    public Path preview() {
        return dir.resolve("preview");
    }

    public Path failed() {
        return dir.resolve("failed");
    }

    /** How often each patch has failed so far: {@code attempts/<name>} holds the count as text. */
    public Path attempts() {
        return dir.resolve("attempts");
    }

    /**
     * Checks that the job's directory and its state directories are real directories, not links (see
     * {@link SafeFiles}): then every file opened below them lies inside the work directory. A state directory that
     * is not one is moved to the quarantine.
     *
     * @throws SafeFiles.UnsafeFileException naming what was wrong
     */
    public void verify() throws IOException {
        SafeFiles.requireDirectory(dir);
        for (Path p : List.of(pending(), claimed(), done(), failed(), attempts())) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !SafeFiles.isDirectory(p)) {
                Path moved = quarantine(p);
                throw new SafeFiles.UnsafeFileException(jobId + "/" + p.getFileName() + " was not a directory (moved to "
                        + SafeFiles.QUARANTINE + "/" + moved.getFileName() + ")");
            }
        }
    }

    /** Every job's directory under {@code workDir} (a real directory with a job id for a name), in no order. */
    public static List<JobDirectory> all(Path workDir) throws IOException {
        List<JobDirectory> jobs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir, JobDirectory::isJobDirectory)) {
            ds.forEach(d -> jobs.add(new JobDirectory(workDir, d.getFileName().toString())));
        }
        return jobs;
    }

    /**
     * The jobs whose patches may be claimed: directories under {@code workDir} with a job id for a name and a
     * manifest, oldest manifest first (so that earlier jobs finish first). Links and other entries are skipped.
     */
    public static List<JobDirectory> claimableJobs(Path workDir) throws IOException {
        return claimableJobs(workDir, java.util.Set.of());
    }

    /**
     * As {@link #claimableJobs(Path)}, passing over the jobs named in {@code ended} by their names alone, without a
     * look at their files: an idle processor with a thousand finished jobs retained spent half a core looking.
     */
    public static List<JobDirectory> claimableJobs(Path workDir, java.util.Set<String> ended) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir, d -> !ended.contains(d.getFileName().toString())
                && isJobDirectory(d) && Files.exists(d.resolve(MANIFEST), java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
            ds.forEach(dirs::add);
        }
        dirs.sort(java.util.Comparator.comparingLong(JobDirectory::manifestTime));
        List<JobDirectory> jobs = new ArrayList<>();
        for (Path d : dirs) {
            jobs.add(new JobDirectory(workDir, d.getFileName().toString()));
        }
        return jobs;
    }

    private static long manifestTime(Path dir) {
        try {
            return SafeFiles.modifiedMillis(dir.resolve(MANIFEST));
        } catch (IOException e) {
            return Long.MAX_VALUE; // removed meanwhile: last
        }
    }

    /**
     * Whether the job has ended for workers: it has a manifest but no {@code pending/} any more (slicer-api removes
     * the patch directories when a job ends, and creates them before it writes the manifest). It never comes back.
     */
    public boolean hasEnded() {
        return Files.exists(manifestFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.exists(pending(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether {@code path} is a job's directory: a real directory (not a link) with a job id for a name. */
    public static boolean isJobDirectory(Path path) {
        return isValidJobId(path.getFileName().toString()) && SafeFiles.isDirectory(path);
    }

    /** Moves something that does not belong here out of the way; see {@link SafeFiles#quarantine}. */
    public Path quarantine(Path entry) throws IOException {
        return SafeFiles.quarantine(dir.getParent(), entry);
    }

    public void createDirectories() throws IOException {
        for (Path p : List.of(pending(), claimed(), done(), failed(), attempts())) {
            Files.createDirectories(p);
        }
    }

    /** Publishes a patch into {@code pending/}: written under a hidden name, then renamed, so no worker sees half a file. */
    public void addPending(PatchName patch, dev.lip.common.pixels.PixelRegion region) throws IOException {
        Path tmp = temporaryFileIn(pending());
        dev.lip.common.pixels.PatchFile.write(tmp, region);
        moveAtomically(tmp, pending().resolve(patch.fileName()));
    }

    /**
     * Whether the patch was published: it is pending, claimed, processed or failed. Looked up in the order patches
     * move, so one moving forward meanwhile is still found.
     */
    public boolean isPublished(PatchName patch) {
        for (Path state : List.of(pending(), claimed(), done(), failed())) {
            if (Files.exists(state.resolve(patch.fileName()), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    public void writeManifest(JobManifest manifest) throws IOException {
        writeAtomically(manifestFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    }

    /** @return the manifest, or empty while it is not there (the job is being created, or was deleted) */
    public Optional<JobManifest> readManifest() throws IOException {
        try {
            return Optional.of(JSON.readValue(SafeFiles.readSmall(manifestFile(), MAX_MANIFEST_BYTES), JobManifest.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** A temporary name in {@code dir}, hidden from readers: they skip names starting with a dot. */
    public static Path temporaryFileIn(Path dir) {
        return dir.resolve("." + UUID.randomUUID() + ".tmp");
    }

    /** Writes {@code bytes} so that readers see either the old file or the whole new one. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = temporaryFileIn(target.getParent());
        Files.write(tmp, bytes);
        moveAtomically(tmp, target);
    }

    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the work directory must support atomic renames (" + e.getMessage() + ")", e);
        }
    }

    /** Patches in a state directory, in no particular order; temporary files are skipped. */
    public List<PatchName> list(Path stateDir) {
        List<PatchName> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(stateDir, "*" + PatchName.SUFFIX)) {
            for (Path f : files) {
                PatchName.parse(f.getFileName().toString()).ifPresent(names::add);
            }
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    public int count(Path stateDir) {
        return list(stateDir).size();
    }

    /**
     * Takes a pending patch for this process. The rename is the lock: exactly one of any number of competing
     * processes gets the file. The claim's modification time starts the lease; {@link #renewClaim} extends it.
     *
     * @return the claimed file, or empty when another worker was faster or the job is gone
     */
    public Optional<Path> claim(PatchName patch) throws IOException {
        Path claimedFile = claimed().resolve(patch.fileName());
        try {
            Files.move(pending().resolve(patch.fileName()), claimedFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            SafeFiles.touch(claimedFile, System.currentTimeMillis());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (SafeFiles.UnsafeFileException e) {
            // a FIFO or link left as a patch: the claim is ours, and reading it moves it to the quarantine and
            // fails the patch with the reason (PatchFile.read checks before it opens)
        }
        return Optional.of(claimedFile);
    }

    /** Heartbeat: a claim whose time is older than the lease timeout is taken back (see {@link #reclaimExpired}). */
    public void renewClaim(PatchName patch) throws IOException {
        SafeFiles.touch(claimed().resolve(patch.fileName()), System.currentTimeMillis());
    }

    /**
     * Publishes a result: {@code write} fills a temporary file in {@code done/}, which is then renamed to the patch's
     * name, and the claim is released. A result that was published twice (a lease expired under a slow but live
     * worker) is the same bytes, so the second rename is harmless.
     */
    public void publish(PatchName patch, IoConsumer<Path> write) throws IOException {
        Path tmp = temporaryFileIn(done());
        try {
            write.accept(tmp);
            moveAtomically(tmp, done().resolve(patch.fileName()));
        } finally {
            Files.deleteIfExists(tmp);
        }
        Files.deleteIfExists(claimed().resolve(patch.fileName()));
    }

    /** Failures of this job's patches: reasons, attempts, the quarantine of what is not a patch. */
    public PatchFailures failures() {
        return new PatchFailures(this);
    }

    /**
     * Returns claims older than {@code leaseMillis} to {@code pending/}: their holder died or hung. A worker that is
     * merely slow renews its claim well within the lease, so this never races a live one.
     *
     * @return how many were taken back
     */
    public int reclaimExpired(long leaseMillis) throws IOException {
        long oldest = System.currentTimeMillis() - leaseMillis;
        int n = 0;
        for (PatchName p : list(claimed())) {
            Path f = claimed().resolve(p.fileName());
            try {
                if (SafeFiles.modifiedMillis(f) < oldest) {
                    Files.move(f, pending().resolve(p.fileName()), StandardCopyOption.ATOMIC_MOVE);
                    n++;
                }
            } catch (NoSuchFileException e) {
                // published or failed meanwhile
            }
        }
        return n;
    }

    @FunctionalInterface
    public interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }
}
