package dev.lip.common.protocol;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file name of a patch, {@code r<row>-c<column>.patch}, the same in every state directory. The tile's place in
 * the image follows from the row and column and the job's grid.
 */
public record PatchName(int row, int column) {
    public static final String SUFFIX = ".patch";
    private static final Pattern PATTERN = Pattern.compile("r(\\d{1,9})-c(\\d{1,9})\\.patch");

    public String fileName() {
        return "r" + row + "-c" + column + SUFFIX;
    }

    /** Parses a name; anything else in a state directory (temporary files, say) is not a patch. */
    public static Optional<PatchName> parse(String fileName) {
        Matcher m = PATTERN.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new PatchName(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }

    @Override
    public String toString() {
        return fileName();
    }
}
