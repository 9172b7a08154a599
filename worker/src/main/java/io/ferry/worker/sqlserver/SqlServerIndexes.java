package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table's primary key and its rowstore indexes from {@code sys.indexes}. The primary key is found by
 * {@code is_primary_key}, not by {@code index_id} 1: a primary key need not be clustered (and Babelfish
 * shows every one as nonclustered). XML, spatial, columnstore and hash indexes have no PostgreSQL
 * counterpart; they are named in the warnings.
 */
record SqlServerIndexes(List<String> primaryKey, List<SourceIndex> indexes) {

  /** Index types (sys.indexes.type) of rowstore B-trees: clustered and nonclustered. */
  private static final int CLUSTERED = 1;
  private static final int NONCLUSTERED = 2;

  static final String INDEXES = """
      SELECT i.index_id, i.name, i.type, i.type_desc, i.is_primary_key, i.is_unique, i.is_unique_constraint,
        i.has_filter, i.filter_definition, c.name, ic.key_ordinal, ic.is_included_column, ic.is_descending_key,
        s.name, t.name
      FROM sys.indexes i
      JOIN sys.tables t ON t.object_id = i.object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
      JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
      WHERE %s AND i.is_hypothetical = 0
      ORDER BY i.object_id, i.index_id, ic.is_included_column, ic.key_ordinal, ic.index_column_id""";

  /** A table without indexes. */
  static final SqlServerIndexes NONE = new SqlServerIndexes(List.of(), List.of());

  static SqlServerIndexes read(Connection source, TableName table, List<String> warnings) throws SQLException {
    Map<Integer, Builder> byId = new LinkedHashMap<>();
    SqlServerTableFilter filter = SqlServerTableFilter.of(table);
    try (PreparedStatement ps = source.prepareStatement(INDEXES.formatted(filter.sql()))) {
      filter.bind(ps, 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          add(byId, rs);
        }
      }
    }
    return of(table, byId, warnings);
  }

  /** The indexes of each of {@code tables} that has any, by the names the catalog gives it. */
  static Map<TableName, SqlServerIndexes> read(Connection source, List<TableName> tables,
      Map<TableName, List<String>> warnings) throws SQLException {
    Map<TableName, Map<Integer, Builder>> byTable = new LinkedHashMap<>();
    for (SqlServerTableFilter filter : SqlServerTableFilter.of(tables)) {
      try (PreparedStatement ps = source.prepareStatement(INDEXES.formatted(filter.sql()))) {
        filter.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            add(byTable.computeIfAbsent(SqlServerTableFilter.tableAt(rs, 14), t -> new LinkedHashMap<>()), rs);
          }
        }
      }
    }
    Map<TableName, SqlServerIndexes> indexes = new HashMap<>();
    for (Map.Entry<TableName, Map<Integer, Builder>> e : byTable.entrySet()) {
      indexes.put(e.getKey(), of(e.getKey(), e.getValue(), warnings.computeIfAbsent(e.getKey(), t -> new ArrayList<>())));
    }
    return indexes;
  }

  private static void add(Map<Integer, Builder> byId, ResultSet rs) throws SQLException {
    Builder b = byId.computeIfAbsent(rs.getInt(1), id -> new Builder());
    b.name = rs.getString(2);
    b.type = rs.getInt(3);
    b.typeDesc = rs.getString(4);
    b.primaryKey = rs.getBoolean(5);
    b.unique = rs.getBoolean(6);
    b.constraint = rs.getBoolean(7);
    b.hasFilter = rs.getBoolean(8);
    b.filter = b.hasFilter ? rs.getString(9) : null;
    if (rs.getBoolean(12)) {
      b.include.add(rs.getString(10));
    } else if (rs.getInt(11) > 0) {
      b.keys.add(new SourceIndex.Key(rs.getString(10), null, rs.getBoolean(13) ? "DESC" : ""));
    }
  }

  private static SqlServerIndexes of(TableName table, Map<Integer, Builder> byId, List<String> warnings) {
    List<String> primaryKey = List.of();
    List<SourceIndex> indexes = new ArrayList<>();
    for (Builder b : byId.values()) {
      if (b.hasFilter && b.filter == null) {
        // Carried without its filter, a unique index could refuse rows the source holds.
        warnings.add(SqlServerCatalog.unreadable(table, "the filter of index " + b.name, "the index is not carried"));
      } else if (b.type != CLUSTERED && b.type != NONCLUSTERED) {
        warnings.add(table + ": index " + b.name + " (" + b.typeDesc + ") has no PostgreSQL counterpart and is not carried");
      } else if (b.primaryKey) {
        primaryKey = b.keys.stream().map(SourceIndex.Key::column).toList();
      } else if (!b.keys.isEmpty()) {
        indexes.add(new SourceIndex(b.name, b.unique, b.constraint, "btree", b.keys, b.include, b.filter));
      }
    }
    return new SqlServerIndexes(primaryKey, indexes);
  }

  private static final class Builder {
    String name;
    int type;
    String typeDesc;
    boolean primaryKey;
    boolean unique;
    boolean constraint;
    boolean hasFilter;
    String filter;
    final List<SourceIndex.Key> keys = new ArrayList<>();
    final List<String> include = new ArrayList<>();
  }
}
