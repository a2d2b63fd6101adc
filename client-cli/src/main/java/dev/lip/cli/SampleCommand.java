package dev.lip.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

/** Writes a sample JPEG so that a newcomer can see the tool work without an image of their own. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Write a sample RGB JPEG (circles and gradients with noise) to try the tool on.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "OUT", description = "The JPEG to write.")
    Path output;

    @Option(names = "--width", defaultValue = "6000")
    int width;

    @Option(names = "--height", defaultValue = "4000")
    int height;

    @Override
    public Integer call() throws Exception {
        if ((long) width * height > 200_000_000L || width < 1 || height < 1) {
            throw new CliException(LipCli.USAGE, "The sample must be between 1 and 200 million pixels.");
        }
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Random rnd = new Random(1);
        int[] row = new int[width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double cx = (x % 700) - 350, cy = (y % 700) - 350;
                double ring = Math.cos(Math.sqrt(cx * cx + cy * cy) / 18.0);
                double wave = Math.sin(x / 211.0 + y / 97.0);
                int n = (int) (rnd.nextGaussian() * 12);
                row[3 * x] = clamp(128 + 90 * ring + n);
                row[3 * x + 1] = clamp(128 + 80 * wave + n);
                row[3 * x + 2] = clamp(255.0 * x / width + n);
            }
            im.getRaster().setPixels(0, y, width, 1, row);
        }
        Path abs = output.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(0.9f);
        Files.deleteIfExists(abs);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(abs.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(im, null, null), p);
        } finally {
            w.dispose();
        }
        spec.commandLine().getOut().printf("Wrote %s (%d x %d)%n", output, width, height);
        return LipCli.OK;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }
}
