package dev.lip.algorithms;

/** Statistics over the whole image that the slicer can gather while it slices. */
public enum JobStatistic {
    /** 256-bin histogram of {@link Luma#floorLuma8} over every pixel of the image, each counted once. */
    LUMA_HISTOGRAM
}
