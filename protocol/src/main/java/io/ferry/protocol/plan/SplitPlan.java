package io.ferry.protocol.plan;

import java.util.List;

/**
 * A table's key and how it is cut into units.
 *
 * @param key           the columns key ranges are over, in key order: the primary key, else a unique
 *                      index, else {@code ["ctid"]} (block ranges); empty when the table is one unit
 * @param types         the SQL type of each key column (range bounds are cast to it)
 * @param nullable      a key column may hold NULL (unique-index keys): those rows get their own range
 * @param orderPortable per key column: a key range over it selects the same rows on the target as on the
 *                      source (no collation orders it, whose target counterpart may order differently, and
 *                      it is no physical row address); decided by the source dialect. Null in a plan stored
 *                      without it: nothing is known portable then
 * @param method        how the table is cut into units
 * @param quantiles     sorted key tuples (one text value per key column) at roughly equal row-count steps
 *                      through the table; the splitter picks split points among them
 * @param sampleMethod  where the quantiles came from: {@code histogram}, {@code sample}, {@code exact},
 *                      {@code blocks}
 */
public record SplitPlan(
    List<String> key,
    List<String> types,
    boolean nullable,
    List<Boolean> orderPortable,
    SplitMethod method,
    List<List<String>> quantiles,
    String sampleMethod) {

  /** The same key without its quantiles (what a copy unit reads of it). */
  public SplitPlan withoutQuantiles() {
    return new SplitPlan(key, types, nullable, orderPortable, method, List.of(), sampleMethod);
  }
}
