package dev.lip.formats.tiff;

import java.util.Locale;

/**
 * The OME-XML of a result's OME-TIFF: one image of one 8-bit channel, its plane in the first directory (whose
 * SubIFDs are its reduced levels, which Bio-Formats 6 and QuPath read as the pyramid), and the physical pixel size
 * when the input had one, in micrometres.
 */
final class OmeXml {
    private OmeXml() {
    }

    static String of(int width, int height, PixelSize size) {
        String physical = size == null ? "" : String.format(Locale.ROOT,
                " PhysicalSizeX=\"%s\" PhysicalSizeXUnit=\"µm\" PhysicalSizeY=\"%s\" PhysicalSizeYUnit=\"µm\"",
                number(size.micronsX()), number(size.micronsY()));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" "
                + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                + "xsi:schemaLocation=\"http://www.openmicroscopy.org/Schemas/OME/2016-06 "
                + "http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd\" Creator=\"large-image-processor\">"
                + "<Image ID=\"Image:0\" Name=\"result\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYCZT\" Type=\"uint8\" "
                + "SizeX=\"" + width + "\" SizeY=\"" + height + "\" SizeC=\"1\" SizeZ=\"1\" SizeT=\"1\" "
                + "BigEndian=\"false\" Interleaved=\"false\" SignificantBits=\"8\"" + physical + ">"
                + "<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"1\"><LightPath/></Channel>"
                + "<TiffData FirstC=\"0\" FirstT=\"0\" FirstZ=\"0\" IFD=\"0\" PlaneCount=\"1\"/>"
                + "</Pixels></Image></OME>";
    }

    /** Shortest decimal that reads back as the same double. */
    private static String number(double v) {
        return Double.toString(v).replaceAll("\\.0$", "");
    }
}
