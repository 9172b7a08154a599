package io.ferry.worker.verify;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.worker.Dialects;
import io.ferry.worker.dialect.KeyDeletion;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TenantColumn;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The keys a repair re-copies: every key its verify unit listed, as canonical text ({@link KeyedCompare}). Matching
 * them needs equality only, never an ordering in Java, on both sides:
 *
 * <ul>
 *   <li>on the target, the tenant's rows of the range are read as the verify unit read them, key columns only, each
 *       printed canonically (to match) and as the target's own text of it (to delete by: {@link #onTarget});</li>
 *   <li>on the source, the range streams through the copy, and each row's key text (the one it checkpoints) is made
 *       canonical the way the verify unit printed the same value ({@link #listed}).</li>
 * </ul>
 */
public final class RepairKeys {

  private final Assignment assignment;
  /** How the verify unit printed each key column. */
  private final List<Canonical> canonical;
  private final Set<List<String>> keys = new HashSet<>();
  private final int onSource;
  private final List<String> targetColumns;
  private final List<String> targetTypes;
  private final SplitKey targetKey;

  private RepairKeys(Assignment assignment, List<Difference> differences) {
    this.assignment = assignment;
    TablePlan plan = assignment.plan();
    boolean sameEngine = assignment.source().engine().equals(assignment.target().engine());
    VerifySide targetSide = Dialects.verify(assignment.target().engine());
    Map<String, ColumnPlan> byName = new HashMap<>();
    plan.columns().forEach(c -> byName.put(c.name(), c));
    SplitKey key = SplitKey.of(plan);
    List<Canonical> kinds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (String column : key.columns()) {
      ColumnPlan c = byName.get(column);
      kinds.add(sameEngine ? targetSide.sameEngine(c.type()) : Canonical.of(c.type()));
      names.add(c.targetName());
      types.add(c.type());
    }
    this.canonical = List.copyOf(kinds);
    this.targetColumns = List.copyOf(names);
    this.targetTypes = List.copyOf(types);
    this.targetKey = new SplitKey(targetColumns, targetTypes, key.nullable(), key.orderPortable(), key.method(), key.origin());
    int source = 0;
    for (Difference d : differences) {
      keys.add(d.key());
      source += d.kind() == Kind.EXTRA ? 0 : 1;
    }
    this.onSource = source;
  }

  /**
   * The keys of the unit's findings when they list every difference by a key; null when the whole range must be
   * copied again (differences only counted, rows without a key, a key that is not a column of the plan).
   */
  public static RepairKeys of(Assignment assignment) {
    VerifyFindings f = assignment.unit().progress().findings();
    SplitKey key = SplitKey.of(assignment.plan());
    KeyRange range = assignment.unit().slice().range();
    boolean keyed = key != null && !key.isCtid() && (range == null || !range.nullKeys())
        && key.columns().stream().allMatch(k -> assignment.plan().columns().stream().anyMatch(c -> c.name().equals(k)));
    return f != null && keyed && f.listsEveryDifference() ? new RepairKeys(assignment, f.differences()) : null;
  }

  /** How many listed keys the source had when verified (missing and different ones). */
  public int onSource() {
    return onSource;
  }

  public int size() {
    return keys.size();
  }

  /** Whether a source row's key, as its key text, is one of the listed keys. */
  public boolean listed(List<String> sourceKeyText) {
    List<String> key = new ArrayList<>(sourceKeyText.size());
    for (int i = 0; i < sourceKeyText.size(); i++) {
      key.add(canonical(canonical.get(i), sourceKeyText.get(i)));
    }
    return keys.contains(key);
  }

  /**
   * The target rows to delete: the tenant's rows in the unit's range whose key is listed, read in a snapshot of
   * their own on {@code target} (not the repair's write transaction), by the target's own text of each key value.
   */
  public KeyDeletion onTarget(Connection target) throws SQLException {
    Slice slice = assignment.unit().slice();
    TenantColumn tenant = TenantColumn.of(assignment.tenantColumn());
    int n = targetColumns.size();
    List<String> columns = new ArrayList<>(targetColumns);
    columns.addAll(targetColumns);
    List<Canonical> printed = new ArrayList<>(canonical);
    printed.addAll(Collections.nCopies(n, Canonical.TEXT));
    // Only streamed, never digested: the types matter to no value read here, but keep the record whole.
    List<String> types = new ArrayList<>(targetKey.types());
    types.addAll(targetKey.types());
    int[] keyIndexes = IntStream.range(0, n).toArray();
    boolean sameEngine = assignment.source().engine().equals(assignment.target().engine());
    VerifyRead read = new VerifyRead(TableName.parse(slice.table()), columns, printed, types, sameEngine, targetKey, keyIndexes,
        slice.range() == null ? KeyRange.ALL : slice.range(), tenant.name(), tenant.valueFor(slice.tenantId()), false);
    VerifySide side = Dialects.verify(assignment.target().engine());
    List<List<String>> found = new ArrayList<>();
    boolean auto = target.getAutoCommit();
    side.begin(target);
    try {
      side.rows(target, read, values -> {
        if (keys.contains(Arrays.asList(values).subList(0, n))) {
          found.add(List.copyOf(Arrays.asList(values).subList(n, 2 * n)));
        }
      });
    } finally {
      side.end(target);
      target.setAutoCommit(auto);
    }
    return new KeyDeletion(TableName.parse(slice.table()), tenant.name(), slice.tenantId(), targetColumns, targetTypes, found);
  }

  /**
   * A source key value's text (as the copy checkpoints it) in the canonical form the verify unit printed the same
   * value in: read back as the value its canonical kind reads, then printed as that kind prints. Between
   * PostgreSQL databases both are the value's {@code ::text}.
   */
  static String canonical(Canonical c, String keyText) {
    if (keyText == null || c.kind() == Canonical.Kind.TEXT) {
      return keyText;
    }
    String t = keyText.strip();
    Object value = switch (c.kind()) {
      case INTEGER -> Long.parseLong(t);
      case NUMBER -> new BigDecimal(t);
      case FLOAT8 -> Double.parseDouble(t);
      case FLOAT4 -> Float.parseFloat(t);
      case DATE -> LocalDate.parse(t);
      case TIME -> LocalTime.parse(t);
      case TIMESTAMP -> LocalDateTime.parse(t.replace(' ', 'T'));
      case INSTANT -> OffsetDateTime.parse(isoOffset(t.replace(' ', 'T')));
      case BYTES -> HexFormat.of().parseHex(t.startsWith("\\x") ? t.substring(2) : t);
      case BOOLEAN, UUID, JSON, TEXT -> t;
    };
    return c.print(value);
  }

  /** {@code +01} (PostgreSQL's short offset) as {@code +01:00}, which ISO parsing needs. */
  private static String isoOffset(String t) {
    return t.matches(".*[+-]\\d\\d$") ? t + ":00" : t;
  }
}
