package dev.lip.algorithms;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Parsing and checking of parameter strings, with sentences that say what is allowed. */
public final class Parameters {
    private Parameters() {
    }

    public static int integer(Map<String, String> given, String name, int def, int min, int max) {
        String v = given.get(name);
        if (v == null) {
            return def;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'.");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + n + ".");
        }
        return n;
    }

    public static boolean bool(Map<String, String> given, String name, boolean def) {
        String v = given.get(name);
        if (v == null) {
            return def;
        }
        return switch (v.trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + v + "'.");
        };
    }

    public static String choice(Map<String, String> given, String name, String def, List<String> choices) {
        String v = given.getOrDefault(name, def).trim().toLowerCase();
        if (!choices.contains(v)) {
            throw new IllegalArgumentException(name + " must be one of " + String.join(", ", choices) + ", not '"
                    + given.get(name) + "'.");
        }
        return v;
    }

    /** A decimal with at most {@code scale} digits after the point, returned multiplied by 10^scale (exact). */
    public static long scaledDecimal(Map<String, String> given, String name, String def, int scale, long maxAbs) {
        String v = given.getOrDefault(name, def).trim();
        BigDecimal d;
        try {
            d = new BigDecimal(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + v + "'.");
        }
        if (d.scale() > scale || d.abs().compareTo(BigDecimal.valueOf(maxAbs)) > 0) {
            throw new IllegalArgumentException(name + " must be a number between -" + maxAbs + " and " + maxAbs
                    + " with at most " + scale + " decimals, not '" + v + "'.");
        }
        return d.movePointRight(scale).longValueExact();
    }
}
