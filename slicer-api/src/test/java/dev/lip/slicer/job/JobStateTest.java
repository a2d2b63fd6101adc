package dev.lip.slicer.job;

import dev.lip.formats.tiff.ResultLayout;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.lip.slicer.job.JobState.CANCELLED;
import static dev.lip.slicer.job.JobState.DONE;
import static dev.lip.slicer.job.JobState.FAILED;
import static dev.lip.slicer.job.JobState.PROCESSED;
import static dev.lip.slicer.job.JobState.PROCESSING;
import static dev.lip.slicer.job.JobState.RECEIVING;
import static dev.lip.slicer.job.JobState.SLICING;
import static dev.lip.slicer.job.JobState.STITCHING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job state machine: every transition, legal and not, and how a job holds to it. */
class JobStateTest {
    /** The legal moves, written out independently of {@link JobState#canMoveTo}. */
    private static final Map<JobState, Set<JobState>> LEGAL = Map.of(
            RECEIVING, EnumSet.of(SLICING, FAILED, CANCELLED),
            SLICING, EnumSet.of(PROCESSING, FAILED, CANCELLED),
            PROCESSING, EnumSet.of(PROCESSED, FAILED, CANCELLED),
            PROCESSED, EnumSet.of(STITCHING, FAILED, CANCELLED),
            STITCHING, EnumSet.of(DONE, PROCESSED, FAILED, CANCELLED),
            DONE, EnumSet.of(CANCELLED),
            FAILED, EnumSet.noneOf(JobState.class),
            CANCELLED, EnumSet.noneOf(JobState.class));

    @Test
    void everyPairOfStatesIsLegalExactlyWhenTheTableSaysSo() {
        int legal = 0;
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                assertEquals(LEGAL.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
                legal += from.canMoveTo(to) ? 1 : 0;
            }
        }
        assertEquals(17, legal);
    }

    @Test
    void aJobFollowsTheMachineAndRefusesIllegalMoves() {
        Job job = new Job("job-1", "threshold", ResultLayout.COG, false);
        assertEquals(RECEIVING, job.state());
        assertThrows(IllegalStateException.class, () -> job.setState(DONE));
        assertFalse(job.advance(SLICING, PROCESSING), "advance from a state the job is not in");
        job.setState(SLICING);
        assertTrue(job.finishSlicing());
        assertEquals(PROCESSING, job.state());
        assertTrue(job.advance(PROCESSING, PROCESSED));
        assertTrue(job.advance(PROCESSED, STITCHING));
        assertTrue(job.advance(STITCHING, DONE));
        assertFalse(job.fail("too late"), "a done job does not fail");
        assertEquals(DONE, job.state());
        job.setState(CANCELLED);
        assertThrows(IllegalStateException.class, () -> job.setState(PROCESSING));
    }

    @Test
    void aFailureWinsOverLateProgressAndReleasesTheStitch() throws Exception {
        Job job = new Job("job-2", "threshold", ResultLayout.COG, false);
        job.setState(SLICING);
        assertTrue(job.fail("the PNG's image data ends at row 1 of 200"));
        assertFalse(job.finishSlicing(), "slicing that ends after the failure does not revive the job");
        assertEquals(FAILED, job.state());
        assertFalse(job.fail("second reason"));
        assertEquals("the PNG's image data ends at row 1 of 200", job.error());
        job.awaitSlicing(); // returns at once: the job has ended
    }

    @Test
    void theStitchWaitsForSlicingToFinish() throws Exception {
        Job job = new Job("job-3", "threshold", ResultLayout.COG, false);
        job.setState(SLICING);
        Thread waiter = new Thread(() -> {
            try {
                job.awaitSlicing();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        waiter.join(200);
        assertTrue(waiter.isAlive(), "still slicing: the stitch waits");
        job.finishSlicing();
        waiter.join(5000);
        assertFalse(waiter.isAlive(), "released once slicing finished");
    }

    @Test
    void aRecoveredJobPastSlicingDoesNotWait() throws Exception {
        Job job = new Job("job-4", "threshold", ResultLayout.COG, false);
        job.setState(SLICING);
        job.finishSlicing();
        Job recovered = new Job(job.view());
        assertEquals(PROCESSING, recovered.state());
        recovered.awaitSlicing();
    }
}
