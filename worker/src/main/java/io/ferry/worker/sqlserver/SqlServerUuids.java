package io.ferry.worker.sqlserver;

import io.ferry.protocol.plan.KeyText;
import io.ferry.protocol.plan.UuidColumn;
import io.ferry.worker.dialect.FerryUuid;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.RowUuids;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The UUID fields of a SQL Server read ({@link RowUuids}): the columns that feed each UUID are selected a
 * second time after the read's own columns (so the result set is still read in column order, which
 * adaptive buffering wants), and each row's values are hashed in their canonical text (PostgreSQL's text
 * of the target value, text made canonical by its key column's collation) straight from the typed getters.
 */
final class SqlServerUuids {

  /** How one key value is read and given to the hash. */
  @FunctionalInterface
  private interface Feed {
    /** @return false when the value is NULL */
    boolean feed(ResultSet rs, int index, FerryUuid uuid) throws SQLException;
  }

  private final byte[][] prefixes;
  private final Feed[][] feeds;
  private final int firstIndex;
  private final FerryUuid uuid = new FerryUuid();

  private SqlServerUuids(byte[][] prefixes, Feed[][] feeds, int firstIndex) {
    this.prefixes = prefixes;
    this.feeds = feeds;
    this.firstIndex = firstIndex;
  }

  /**
   * Adds the feeding columns to {@code select} and returns what writes the read's UUID fields, or null without UUIDs.
   *
   * @param columnTypes the SQL Server type of each of {@code read.columns()}, in the same order
   */
  static SqlServerUuids of(RangeRead read, List<String> columnTypes, List<String> select) {
    RowUuids uuids = read.uuids();
    if (uuids.width() == 0) {
      return null;
    }
    Map<String, String> types = new HashMap<>();
    for (int c = 0; c < columnTypes.size(); c++) {
      types.put(read.columns().get(c), columnTypes.get(c));
    }
    int first = select.size() + 1;
    byte[][] prefixes = new byte[uuids.width()][];
    Feed[][] feeds = new Feed[uuids.width()][];
    for (int u = 0; u < uuids.width(); u++) {
      UuidColumn column = uuids.columns().get(u);
      prefixes[u] = FerryUuid.prefix(uuids.tenantId(), column.table());
      feeds[u] = new Feed[column.from().size()];
      for (int k = 0; k < column.from().size(); k++) {
        String name = column.from().get(k);
        String type = types.get(name);
        if (type == null) {
          throw new IllegalArgumentException("UUID column " + column.name() + ": no copied column " + name);
        }
        feeds[u][k] = feed(type, column.text().get(k), column.name());
        select.add(SqlServerSql.ident(name));
      }
    }
    return new SqlServerUuids(prefixes, feeds, first);
  }

  /** Writes the row's UUID fields; a UUID one of whose values is NULL is a NULL field. */
  void write(ResultSet rs, CopyTuples out) throws SQLException {
    int index = firstIndex;
    for (int u = 0; u < feeds.length; u++) {
      if (next(rs, u, index)) {
        out.field(uuid.finish(), 0, 16);
      } else {
        out.nullField();
      }
      index += feeds[u].length;
    }
  }

  /** The row's UUIDs as text, null where one of its values is NULL (a row read back as text). */
  List<String> texts(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>(feeds.length);
    int index = firstIndex;
    for (int u = 0; u < feeds.length; u++) {
      out.add(next(rs, u, index) ? FerryUuid.uuid(uuid.finish()).toString() : null);
      index += feeds[u].length;
    }
    return out;
  }

  /** Feeds UUID {@code u}'s values, read from {@code index} on; false when one is NULL (not finished then). */
  private boolean next(ResultSet rs, int u, int index) throws SQLException {
    uuid.start(prefixes[u]);
    boolean present = true;
    for (Feed f : feeds[u]) {
      // Every value is read even after a NULL: the result set is read in column order.
      present &= f.feed(rs, index++, uuid);
    }
    return present;
  }

  /**
   * Key types whose canonical text is read here; {@code UuidKeys} refuses the others at the plan. Text is
   * made canonical by {@code rule}, the referenced key column's ({@link FerryUuid#key(String, KeyText)}).
   */
  private static Feed feed(String sqlServerType, KeyText rule, String uuidColumn) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "bigint", "int", "smallint", "tinyint" -> (rs, i, u) -> {
        long v = rs.getLong(i);
        if (rs.wasNull()) return false;
        u.key(v);
        return true;
      };
      case "bit" -> (rs, i, u) -> {
        boolean v = rs.getBoolean(i);
        if (rs.wasNull()) return false;
        u.key(v ? "true" : "false");
        return true;
      };
      // getBigDecimal has the column's scale, and PostgreSQL prints numeric(p,s) with s digits too.
      case "decimal", "numeric", "money", "smallmoney" -> (rs, i, u) -> {
        BigDecimal v = rs.getBigDecimal(i);
        if (v == null) return false;
        u.key(v.toPlainString());
        return true;
      };
      case "uniqueidentifier" -> (rs, i, u) -> {
        String v = rs.getString(i);
        if (v == null) return false;
        // PostgreSQL prints a uuid in lower case; the driver prints a uniqueidentifier in upper case.
        u.key(v.toLowerCase(Locale.ROOT));
        return true;
      };
      case "char", "nchar", "varchar", "nvarchar", "sysname", "text", "ntext" -> (rs, i, u) -> {
        String v = rs.getString(i);
        if (v == null) return false;
        u.key(v, rule);
        return true;
      };
      case "date" -> (rs, i, u) -> {
        LocalDate v = rs.getObject(i, LocalDate.class);
        if (v == null) return false;
        u.key(v.toString());
        return true;
      };
      default -> throw new IllegalArgumentException("UUID column " + uuidColumn + ": a key of SQL Server type "
          + sqlServerType + " has no canonical text");
    };
  }
}
