package io.ferry.worker.dialect;

import java.util.List;

/**
 * Sorted key values at roughly equal row-count steps, and where they came from
 * ({@code histogram}, {@code sample}, {@code exact}).
 */
public record KeySample(List<String> quantiles, String method) {

  public static final KeySample EMPTY = new KeySample(List.of(), "exact");
}
