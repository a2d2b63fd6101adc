package dev.lip.common.algorithm;

/**
 * One parameter of an algorithm as users see it: what it is called, its type, its default and what it does.
 *
 * @param type {@code integer}, {@code boolean}, {@code number} or {@code string}
 */
public record ParameterSpec(String name, String type, String defaultValue, String description) {
}
