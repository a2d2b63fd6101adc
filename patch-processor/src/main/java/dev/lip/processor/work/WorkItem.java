package dev.lip.processor.work;

import dev.lip.common.protocol.PatchName;

/** One pending patch of one job, as the scanner found it. */
record WorkItem(String jobId, PatchName patch) {
}
