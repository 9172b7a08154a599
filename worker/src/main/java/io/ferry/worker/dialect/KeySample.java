package io.ferry.worker.dialect;

import java.util.List;
import java.util.stream.Stream;

/**
 * Sorted key tuples (one text value per key column) at roughly equal row-count steps, and where they
 * came from ({@code histogram}, {@code sample}, {@code exact}, {@code blocks}).
 *
 * @param warnings what the source could not read on the way (e.g. statistics it may not see), for the plan
 */
public record KeySample(List<List<String>> quantiles, String method, List<String> warnings) {

  public static final KeySample EMPTY = new KeySample(List.of(), "exact");

  public KeySample {
    warnings = List.copyOf(warnings);
  }

  public KeySample(List<List<String>> quantiles, String method) {
    this(quantiles, method, List.of());
  }

  public KeySample withWarnings(List<String> more) {
    return more.isEmpty() ? this : new KeySample(quantiles, method, Stream.concat(warnings.stream(), more.stream()).toList());
  }
}
