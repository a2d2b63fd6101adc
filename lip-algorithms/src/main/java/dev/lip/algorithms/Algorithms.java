package dev.lip.algorithms;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The algorithm descriptions and kernels on the class path, by name (ServiceLoader; see {@link Algorithm}). */
public final class Algorithms {
    private static final List<Algorithm> ALL = ServiceLoader.load(Algorithm.class).stream()
            .map(ServiceLoader.Provider::get).sorted(Comparator.comparing(Algorithm::name)).toList();
    /** Loaded on first use: slicer-api never asks for kernels, so it never instantiates one. */
    private static volatile List<Kernel> kernels;

    private Algorithms() {
    }

    public static List<Algorithm> all() {
        return ALL;
    }

    public static Optional<Algorithm> byName(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(Algorithm::name).toList());
    }

    public static List<Kernel> kernels() {
        List<Kernel> k = kernels;
        if (k == null) {
            k = ServiceLoader.load(Kernel.class).stream().map(ServiceLoader.Provider::get)
                    .sorted(Comparator.comparing(Kernel::name)).toList();
            kernels = k;
        }
        return k;
    }

    public static Optional<Kernel> kernel(String name) {
        return kernels().stream().filter(k -> k.name().equals(name)).findFirst();
    }
}
