package dev.lip.algorithms;

/**
 * One parameter of an algorithm as users see it.
 *
 * @param type {@code integer}, {@code number}, {@code boolean} or {@code choice}
 * @param defaultValue a value, or a sentence when it depends on the image
 * @param allowed the range or the choices, in words
 */
public record ParameterSpec(String name, String type, String defaultValue, String allowed, String description) {
}
