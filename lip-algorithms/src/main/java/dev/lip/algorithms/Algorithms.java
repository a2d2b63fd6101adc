package dev.lip.algorithms;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The algorithms on the class path, by name (ServiceLoader; see {@link Algorithm}). */
public final class Algorithms {
    private static final List<Algorithm> ALL = ServiceLoader.load(Algorithm.class).stream()
            .map(ServiceLoader.Provider::get).sorted(Comparator.comparing(Algorithm::name)).toList();

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
}
