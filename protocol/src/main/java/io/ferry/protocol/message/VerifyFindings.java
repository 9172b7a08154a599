package io.ferry.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * What a verify unit found comparing its slice (tenant, table, key range) on source and target.
 *
 * @param sourceRows       rows of the slice on the source
 * @param targetRows       rows of the slice on the target
 * @param ranges           sub-ranges whose row count and checksum were compared (1 when the slice matched at once)
 * @param mismatchedRanges sub-ranges that differed, down to those whose keys were listed
 * @param differenceCount  every differing key found, also beyond {@link #MAX_LISTED}
 * @param differences      the first {@link #MAX_LISTED} of them, in key order
 * @param scope            what was compared, when less than every row and column (e.g. "sample: 1 of 10 ranges"),
 *                         else null
 * @param rejected         of the job-level verify unit (no table): the rows the target rejected during the copy
 *                         ({@code ferry.rejects}), per tenant and table; they also show as missing keys in their
 *                         ranges. Empty for a range's unit
 * @param orphans          of the job-level verify unit: the target rows whose foreign key references a row that
 *                         does not exist, per tenant, table and foreign key. Empty for a range's unit
 */
public record VerifyFindings(long sourceRows, long targetRows, int ranges, int mismatchedRanges,
                             long differenceCount, List<Difference> differences, String scope,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TableRows> rejected,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Orphans> orphans) {

  /** Differences a unit lists in full; the count covers the rest, so a result message stays small. */
  public static final int MAX_LISTED = 100;

  public VerifyFindings {
    differences = differences == null ? List.of() : List.copyOf(differences);
    rejected = rejected == null ? List.of() : List.copyOf(rejected);
    orphans = orphans == null ? List.of() : List.copyOf(orphans);
  }

  /** The findings of a range's unit. */
  public VerifyFindings(long sourceRows, long targetRows, int ranges, int mismatchedRanges, long differenceCount,
      List<Difference> differences, String scope) {
    this(sourceRows, targetRows, ranges, mismatchedRanges, differenceCount, differences, scope, List.of(), List.of());
  }

  /** The findings of the job-level verify unit. */
  public static VerifyFindings jobChecks(String scope, List<TableRows> rejected, List<Orphans> orphans) {
    return new VerifyFindings(0, 0, 0, 0, 0, List.of(), scope, rejected, orphans);
  }

  /** A count of rows of one tenant's table. */
  public record TableRows(String tenantId, String table, long rows) {
  }

  /**
   * A tenant's rows of {@code table} whose foreign key {@code foreignKey} references a row of
   * {@code referencedTable} that does not exist.
   *
   * @param rows every such row
   * @param keys the first of them (at most {@link #MAX_LISTED} per foreign key, over all tenants), each its
   *             row's key as text in key column order (the tenant column left out), in key order
   */
  public record Orphans(String tenantId, String table, String foreignKey, String referencedTable, long rows,
                        List<List<String>> keys) {

    public Orphans {
      keys = keys == null ? List.of() : keys.stream().map(k -> List.copyOf(k)).toList();
    }
  }

  public boolean clean() {
    return differenceCount == 0 && sourceRows == targetRows && orphans.isEmpty();
  }

  /**
   * Every difference is listed by key (at most {@link #MAX_LISTED}, all of them with a key): a repair can
   * re-copy exactly those keys; otherwise it re-copies the whole range.
   */
  public boolean listsEveryDifference() {
    return differenceCount > 0 && differenceCount == differences.size();
  }

  /** How a key differs between source and target. */
  public enum Kind {
    /** On the source, not on the target. */
    MISSING,
    /** On the target, not on the source. */
    EXTRA,
    /** On both, with different values in {@link Difference#columns()}. */
    DIFFERENT;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Kind fromWire(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * One differing key.
   *
   * @param key     the source key's values as text, in key column order
   * @param columns for {@code different}: the target columns whose values differ; empty otherwise
   */
  public record Difference(Kind kind, List<String> key, List<String> columns) {

    public Difference {
      key = List.copyOf(key);
      columns = columns == null ? List.of() : List.copyOf(columns);
    }
  }
}
