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
    private static final java.util.regex.Pattern OME_X_UNIT = java.util.regex.Pattern.compile("PhysicalSizeXUnit=\"([^\"]*)\"");
    private static final java.util.regex.Pattern OME_Y_UNIT = java.util.regex.Pattern.compile("PhysicalSizeYUnit=\"([^\"]*)\"");
    /** OME's length units a pixel size is given in, in micrometres; OME's default is the micrometre. */
    private static final java.util.Map<String, Double> OME_UNITS = java.util.Map.of("pm", 1e-6, "Å", 1e-4, "nm", 1e-3,
            "µm", 1.0, "um", 1.0, "mm", 1e3, "cm", 1e4, "m", 1e6);

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
     * The pixel size an input states, or null. The slide's own statement (Aperio MPP, OME PhysicalSize in its unit) wins
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
            if (description.contains("<OME")) {
                double px = omeMicrons(description, OME_X, OME_X_UNIT);
                double py = omeMicrons(description, OME_Y, OME_Y_UNIT);
                if (px > 0) {
                    return new PixelSize(px, py > 0 ? py : px);
                }
            }
        }
        if (xResolution > 0 && yResolution > 0 && (unit == 2 || unit == 3)) {
            double micronsPerUnit = unit == 2 ? 25_400 : 10_000;
            return new PixelSize(micronsPerUnit / xResolution, micronsPerUnit / yResolution);
        }
        return null;
    }

    /** The first Pixels' physical size along one axis in micrometres, or -1 when unsaid or in a unit not a length. */
    private static double omeMicrons(String xml, java.util.regex.Pattern size, java.util.regex.Pattern unit) {
        java.util.regex.Matcher m = size.matcher(xml);
        if (!m.find()) {
            return -1;
        }
        java.util.regex.Matcher u = unit.matcher(xml);
        Double factor = u.find() ? OME_UNITS.get(u.group(1)) : Double.valueOf(1.0);
        double v = positive(m.group(1));
        return factor == null || v <= 0 ? -1 : v * factor;
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
