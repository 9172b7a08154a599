package io.ferry.coordinator.http;

/** The query parameters several routes read alike. */
final class QueryParams {

  private QueryParams() {
  }

  /** A page size from 1 to {@code max}; null when it is anything else (the caller names the problem). */
  static Integer limit(String value, int max) {
    try {
      int limit = Integer.parseInt(value.strip());
      return limit >= 1 && limit <= max ? limit : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
