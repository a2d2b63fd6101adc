import dev.lip.formats.source.ImageSource;
import dev.lip.formats.source.ImageSources;

import java.nio.file.Path;

/**
 * Prints the seconds our source takes to hand over every row of an image on one thread (bench/bench.sh's decode
 * column): the decoder's share of a job, apart from slicing, processing and stitching. Run with lip-formats and its
 * dependencies on the class path: java -cp ... bench/DecodeTime.java IMAGE
 */
public class DecodeTime {
    public static void main(String[] args) throws Exception {
        ImageSources sources = new ImageSources(Long.MAX_VALUE);
        long start = System.nanoTime();
        long[] sum = {0};
        try (ImageSource source = sources.open(Path.of(args[0]))) {
            source.streamRows((y, row) -> sum[0] += row[y % row.length]); // touch the rows so nothing is skipped
        }
        System.out.printf("%.2f%n", (System.nanoTime() - start) / 1e9);
    }
}
