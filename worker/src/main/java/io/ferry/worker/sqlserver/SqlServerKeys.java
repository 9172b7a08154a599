package io.ferry.worker.sqlserver;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the key a SQL Server table is split on, from its description alone: the primary key, else a
 * unique index without filter (one whose columns are all NOT NULL first, then the fewest columns; rows
 * with a NULL in a nullable key get a range of their own), else none: a heap without a unique key is
 * copied as one unit, since SQL Server has no stable physical row address to range over.
 *
 * <p>A unique index in SQL Server always compares in its columns' collations, so uniqueness under the
 * index is uniqueness under the comparisons of a range read, case-insensitive collations included.
 */
final class SqlServerKeys {

  private SqlServerKeys() {
  }

  static SplitKey choose(SourceTable table, List<String> warnings) {
    if (!table.primaryKey().isEmpty()) {
      return key(table, table.primaryKey(), false, SplitMethod.PRIMARY_KEY, "primary key");
    }
    Optional<SourceIndex> unique = table.indexes().stream()
        .filter(i -> i.unique() && i.predicate() == null && i.keys().stream().allMatch(k -> k.column() != null))
        .min(Comparator.comparing((SourceIndex i) -> nullable(table, i)).thenComparing(i -> i.keys().size()));
    if (unique.isPresent()) {
      SourceIndex index = unique.get();
      List<String> columns = index.keys().stream().map(SourceIndex.Key::column).toList();
      boolean nullable = nullable(table, index);
      warnings.add("table " + table.name() + " has no primary key: it is split on unique index " + index.name() + " "
          + columns + (nullable ? "; rows where a key column is NULL are copied as one unit of their own" : ""));
      return key(table, columns, nullable, SplitMethod.UNIQUE_INDEX, "unique index " + index.name());
    }
    warnings.add("table " + table.name() + " has no primary key and no unique index without filter: it is copied as"
        + " one unit, which one worker reads from start to end");
    return SplitKey.none("no unique key");
  }

  private static SplitKey key(SourceTable table, List<String> columns, boolean nullable, SplitMethod method,
      String origin) {
    List<String> types = columns.stream().map(c -> table.column(c).type()).toList();
    return new SplitKey(columns, types, nullable, types.stream().map(SqlServerKeys::orderPortable).toList(), method,
        origin);
  }

  private static boolean nullable(SourceTable table, SourceIndex index) {
    return index.keys().stream().anyMatch(k -> table.column(k.column()).nullable());
  }

  /**
   * Whether a range over a key column of this type, its bounds as Ferry prints key text, selects the same
   * rows of the PostgreSQL target column ({@link SqlServerTypes}) as of the source. True where the mapping
   * keeps every value and its order: integers, exact decimals and money, floats, {@code bit}, dates, and
   * times and timestamps of at most six fractional digits. False for text (a collation orders it, often a
   * case-insensitive one), {@code uniqueidentifier} (SQL Server orders it by its last bytes first, PostgreSQL
   * by its first), binary (its key text is not {@code bytea}'s input form) and seven-digit times, which the
   * target rounds to microseconds, so two values either side of a bound can become equal.
   */
  static boolean orderPortable(String sqlServerType) {
    SqlServerType t = SqlServerType.parse(sqlServerType);
    return switch (t.name()) {
      case "bigint", "int", "smallint", "tinyint", "bit", "decimal", "numeric", "money", "smallmoney", "float",
           "real", "date", "datetime", "smalldatetime" -> true;
      case "time", "datetime2", "datetimeoffset" -> t.arg(0, 7) <= 6;
      default -> false;
    };
  }
}
