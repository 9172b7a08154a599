package io.ferry.worker.dialect;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import java.util.List;

/**
 * The key a table's ranges are over: its columns in key order, the SQL type of each (range bounds are
 * cast to it), whether a column may be NULL, and how it was chosen.
 *
 * <p>For {@link SplitMethod#CTID} the key is the physical row address {@code ctid} (type {@code tid}):
 * ranges are ranges of heap blocks.
 *
 * @param orderPortable per column: a range over it selects the same rows on the target as on the source
 *                      (the dialect knows: no collation orders it, and it is no physical row address)
 * @param origin        what the key is, for the plan's warnings and logs ({@code primary key},
 *                      {@code unique index orders_code_key}, {@code ctid})
 */
public record SplitKey(List<String> columns, List<String> types, boolean nullable, List<Boolean> orderPortable,
    SplitMethod method, String origin) {

  public static final String CTID = "ctid";

  public SplitKey {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    orderPortable = List.copyOf(orderPortable);
    if (columns.size() != types.size() || columns.size() != orderPortable.size()) {
      throw new IllegalArgumentException("key " + columns + " has " + types.size() + " types and " + orderPortable.size()
          + " order flags");
    }
    if (columns.isEmpty() && method != SplitMethod.SINGLE_UNIT) {
      throw new IllegalArgumentException("a " + method.wireName() + " key needs at least one column");
    }
  }

  /** No usable key: the table is copied as one unit, in no particular order. */
  public static SplitKey none(String why) {
    return new SplitKey(List.of(), List.of(), false, List.of(), SplitMethod.SINGLE_UNIT, why);
  }

  /** Block ranges over the physical row address. */
  public static SplitKey ctid() {
    return new SplitKey(List.of(CTID), List.of("tid"), false, List.of(false), SplitMethod.CTID, CTID);
  }

  /** The key a table plan was surveyed with; null when the plan is copied as one unordered unit. */
  public static SplitKey of(TablePlan plan) {
    SplitPlan split = plan.split();
    SplitMethod method = split.method() == null ? SplitMethod.SINGLE_UNIT : split.method();
    if (method == SplitMethod.SINGLE_UNIT || split.key() == null || split.key().isEmpty()) {
      return null;
    }
    if (method == SplitMethod.CTID) {
      return ctid();
    }
    List<Boolean> portable = split.orderPortable() != null ? split.orderPortable() : split.key().stream().map(k -> false).toList();
    return new SplitKey(split.key(), split.types(), split.nullable(), portable, method, method.wireName());
  }

  /** The same key over other column names (its columns as the target names them). */
  public SplitKey withColumns(List<String> newColumns) {
    return new SplitKey(newColumns, types, nullable, orderPortable, method, origin);
  }

  /** Rows can be read in key order and resumed after a key: every method but {@code single_unit}. */
  public boolean ordered() {
    return method != SplitMethod.SINGLE_UNIT;
  }

  public boolean isCtid() {
    return method == SplitMethod.CTID;
  }
}
