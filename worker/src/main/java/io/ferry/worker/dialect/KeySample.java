package io.ferry.worker.dialect;

import java.util.List;

/**
 * Sorted key tuples (one text value per key column) at roughly equal row-count steps, and where they
 * came from ({@code histogram}, {@code sample}, {@code exact}, {@code blocks}).
 */
public record KeySample(List<List<String>> quantiles, String method) {

  public static final KeySample EMPTY = new KeySample(List.of(), "exact");
}
