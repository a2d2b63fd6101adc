package dev.lip.slicer.decoding;

import java.time.Duration;

/**
 * What one decoder process may use ({@code lip.decoder.*}).
 *
 * @param heapBytes         its Java heap (-Xmx): the bands and patches of the slicing
 * @param maxRssBytes       its resident memory, heap and native together, watched while it runs: above this it is
 *                          stopped and its job fails with a sentence
 * @param addressSpaceBytes its address space (ulimit -v), which makes one huge native allocation fail at once rather
 *                          than between two looks at the resident memory; 0 sets none
 * @param stallTimeout      it is stopped when it has said nothing (no patch sliced) for this long
 */
public record DecoderLimits(long heapBytes, long maxRssBytes, long addressSpaceBytes, Duration stallTimeout) {
}
