package io.ferry.worker.verify;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the keys that differ in a bounded slice: the source's rows are held by canonical key (their
 * per-column hashes, never their values), the target's rows stream past them, and a target row is extra,
 * different (naming the columns whose hashes differ) or matched; the source rows no target row matched
 * are missing.
 *
 * <p>A hash join rather than a merge join of the two key-ordered streams: a merge join would need Java to
 * order keys exactly as both databases do, which it cannot for collations (a case-insensitive SQL Server
 * key, an ICU collation) nor for {@code uniqueidentifier}; joining on the canonical key needs only
 * equality. Memory is the source side of one leaf (at most {@code capacity} rows); the target side is
 * streamed, so a leaf with many extra target rows costs no memory.
 */
final class KeyedCompare {

  private final int[] keyIndexes;
  private final List<String> columnNames;
  private final FindingsBuilder findings;
  private final RowHash hash = new RowHash();
  /** Source rows by canonical key, in source (key) order. */
  private final Map<List<String>, long[]> source = new LinkedHashMap<>();
  private final Set<List<String>> matched = new HashSet<>();
  /** Differences of source rows, in source order, listed once the target has streamed. */
  private final Map<List<String>, List<String>> different = new HashMap<>();
  private final List<List<String>> extra = new ArrayList<>();
  private long extraCount;

  /**
   * @param keyIndexes  positions of the key columns among the values
   * @param columnNames the target's names of the compared columns, for the differences
   */
  KeyedCompare(int[] keyIndexes, List<String> columnNames, FindingsBuilder findings) {
    this.keyIndexes = keyIndexes;
    this.columnNames = columnNames;
    this.findings = findings;
  }

  void sourceRow(String[] values) {
    source.put(key(values), hash.hashes(values));
  }

  void targetRow(String[] values) {
    List<String> key = key(values);
    long[] expected = source.get(key);
    if (expected == null) {
      extraCount++;
      if (extra.size() < VerifyFindings.MAX_LISTED) {
        extra.add(key);
      }
      return;
    }
    long[] actual = hash.hashes(values);
    if (!Arrays.equals(expected, actual)) {
      List<String> columns = new ArrayList<>();
      for (int i = 0; i < values.length; i++) {
        if (expected[i] != actual[i]) {
          columns.add(columnNames.get(i));
        }
      }
      different.put(key, columns);
    }
    matched.add(key);
  }

  /** Reports the differences: missing and different keys in source order, then the extra ones. */
  void finish() {
    for (Map.Entry<List<String>, long[]> e : source.entrySet()) {
      List<String> columns = different.get(e.getKey());
      if (columns != null) {
        findings.difference(Kind.DIFFERENT, e.getKey(), columns);
      } else if (!matched.contains(e.getKey())) {
        findings.difference(Kind.MISSING, e.getKey(), List.of());
      }
    }
    for (List<String> key : extra) {
      findings.difference(Kind.EXTRA, key, List.of());
    }
    if (extraCount > extra.size()) {
      findings.unlisted(extraCount - extra.size(), null);
    }
    source.clear();
    matched.clear();
    different.clear();
    extra.clear();
    extraCount = 0;
  }

  private List<String> key(String[] values) {
    String[] key = new String[keyIndexes.length];
    for (int i = 0; i < keyIndexes.length; i++) {
      key[i] = values[keyIndexes[i]];
    }
    return Arrays.asList(key);
  }
}
