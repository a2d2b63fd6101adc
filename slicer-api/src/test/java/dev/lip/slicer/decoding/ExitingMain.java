package dev.lip.slicer.decoding;

/** A main class for {@link DecoderClassPathTest}'s JVMs: says a line and ends. */
public final class ExitingMain {
    static final String SAID = "started from the extracted classes";

    private ExitingMain() {
    }

    public static void main(String[] args) {
        System.out.println(SAID);
    }
}
