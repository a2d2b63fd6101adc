package dev.lip.formats.tiff;

/**
 * How large a pixel is on the specimen or the ground, in micrometres, as the input states it: a TIFF's XResolution
 * and YResolution (with ResolutionUnit inch or centimetre), an Aperio slide's {@code MPP} in its ImageDescription, or
 * an OME-XML {@code PhysicalSizeX/Y} in micrometres. The result carries it as its own resolution (pixels per
 * centimetre), so that QuPath and other viewers measure on the result as on the input.
 */
public record PixelSize(double micronsX, double micronsY) {
    private static final java.util.regex.Pattern APERIO_MPP = java.util.regex.Pattern.compile("\\|\\s*MPP\\s*=\\s*([0-9.eE+-]+)");
    private static final java.util.regex.Pattern OME_X = java.util.regex.Pattern.compile("PhysicalSizeX=\"([0-9.eE+-]+)\"");
    private static final java.util.regex.Pattern OME_Y = java.util.regex.Pattern.compile("PhysicalSizeY=\"([0-9.eE+-]+)\"");

    public PixelSize {
        if (!(micronsX > 0) || !(micronsY > 0) || Double.isInfinite(micronsX) || Double.isInfinite(micronsY)) {
            throw new IllegalArgumentException("a pixel size must be positive, not " + micronsX + " x " + micronsY);
        }
    }

    /** Pixels per centimetre across, as TIFF's XResolution with ResolutionUnit 3. */
    public double pixelsPerCmX() {
        return 10_000 / micronsX;
    }

    public double pixelsPerCmY() {
        return 10_000 / micronsY;
    }

    /**
     * The pixel size an input states, or null. The slide's own statement (Aperio MPP, OME PhysicalSize in µm) wins
     * over the resolution tags, which scanners often leave at a default.
     *
     * @param description ImageDescription (270), or null
     * @param xResolution XResolution (282) as a number, 0 when absent
     * @param unit        ResolutionUnit (296): 2 inch (the default), 3 centimetre, 1 none
     */
    public static PixelSize of(String description, double xResolution, double yResolution, int unit) {
        if (description != null) {
            java.util.regex.Matcher m = APERIO_MPP.matcher(description);
            if (description.startsWith("Aperio") && m.find()) {
                double mpp = positive(m.group(1));
                if (mpp > 0) {
                    return new PixelSize(mpp, mpp);
                }
            }
            java.util.regex.Matcher x = OME_X.matcher(description);
            java.util.regex.Matcher y = OME_Y.matcher(description);
            // OME's default unit is the micrometre; another unit is named in PhysicalSizeXUnit
            if (description.contains("<OME") && x.find() && !description.contains("PhysicalSizeXUnit=\"")
                    || description.contains("PhysicalSizeXUnit=\"µm\"") && x.find(0)) {
                double px = positive(x.group(1));
                double py = y.find() ? positive(y.group(1)) : px;
                if (px > 0 && py > 0) {
                    return new PixelSize(px, py);
                }
            }
        }
        if (xResolution > 0 && yResolution > 0 && (unit == 2 || unit == 3)) {
            double micronsPerUnit = unit == 2 ? 25_400 : 10_000;
            return new PixelSize(micronsPerUnit / xResolution, micronsPerUnit / yResolution);
        }
        return null;
    }

    private static double positive(String v) {
        try {
            double d = Double.parseDouble(v);
            return d > 0 && Double.isFinite(d) ? d : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
