package dev.lip.common.algorithm;

import java.util.List;
import java.util.Optional;

/** The algorithms this version knows, by name. */
public final class Algorithms {
    private static final List<AlgorithmSpec> ALL = List.of(new ThresholdSpec());

    private Algorithms() {
    }

    public static List<AlgorithmSpec> all() {
        return ALL;
    }

    public static Optional<AlgorithmSpec> byName(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(AlgorithmSpec::name).toList());
    }
}
