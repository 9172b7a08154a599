package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.TableName;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import microsoft.sql.DateTimeOffset;

/**
 * Loads a chunk by multi-row {@code INSERT … VALUES (…), (…)} statements with parameters: as many rows per
 * statement as fit under SQL Server's 2,100 parameters (and its 1,000 rows per {@code VALUES}), so a chunk
 * of n rows costs about n × columns / 2,000 round trips. Used where the server's bulk load cannot be trusted
 * (Babelfish), and for tables with a {@code sql_variant} column, whose values the bulk copy API cannot take.
 * Temporal values and GUIDs are bound as exact text that the server converts ({@link SqlServerBulkColumn#marker});
 * a variant's marker converts its value to its own base type ({@link SqlServerVariant#marker}).
 */
final class SqlServerInsertBatches implements SqlServerChunkWriter.Loader {

  static final int MAX_PARAMETERS = 2000;
  static final int MAX_ROWS = 1000;
  /** Prepared statements kept open per load. */
  static final int STATEMENTS = 8;

  private final Connection target;
  private final TableName table;
  private final List<SqlServerBulkColumn> columns;
  private final int rowsPerStatement;
  private final boolean variant;

  SqlServerInsertBatches(Connection target, TableName table, List<SqlServerBulkColumn> columns) {
    this.target = target;
    this.table = table;
    this.columns = columns;
    this.rowsPerStatement = rowsPerStatement(columns.size());
    this.variant = columns.stream().anyMatch(SqlServerBulkColumn::variant);
  }

  static int rowsPerStatement(int columns) {
    return Math.max(1, Math.min(MAX_ROWS, MAX_PARAMETERS / columns));
  }

  /** {@code INSERT INTO t (cols) VALUES (…), …} for {@code rows} rows. */
  static String insertSql(TableName table, List<SqlServerBulkColumn> columns, int rows) {
    String tuple = "(" + String.join(", ", columns.stream().map(SqlServerBulkColumn::marker).toList()) + ")";
    return insert(table, columns) + String.join(", ", Collections.nCopies(rows, tuple));
  }

  /** The statement for these rows, whose {@code sql_variant} values each declare their own base type. */
  static String insertSql(TableName table, List<SqlServerBulkColumn> columns, List<Object[]> rows) {
    StringBuilder sql = new StringBuilder(insert(table, columns));
    for (int r = 0; r < rows.size(); r++) {
      sql.append(r == 0 ? "(" : ", (");
      for (int c = 0; c < columns.size(); c++) {
        sql.append(c == 0 ? "" : ", ").append(columns.get(c).marker(rows.get(r)[c]));
      }
      sql.append(')');
    }
    return sql.toString();
  }

  private static String insert(TableName table, List<SqlServerBulkColumn> columns) {
    return "INSERT INTO " + SqlServerSql.table(table) + " (" + SqlServerSql.idents(columns.stream().map(SqlServerBulkColumn::name).toList())
        + ") VALUES ";
  }

  @Override
  public long load(SqlServerTuples rows) throws SQLException, IOException {
    boolean identity = columns.stream().anyMatch(SqlServerBulkColumn::identity);
    if (identity) {
      execute("SET IDENTITY_INSERT " + SqlServerSql.table(table) + " ON");
    }
    try (Statements statements = new Statements()) {
      List<Object[]> batch = new ArrayList<>(rowsPerStatement);
      for (Object[] row = rows.next(); row != null; row = rows.next()) {
        batch.add(row);
        // A streamed value is only readable until the next row is read: its statement goes first.
        if (batch.size() == rowsPerStatement || holdsStream(row)) {
          insert(statements, batch);
        }
      }
      if (!batch.isEmpty()) {
        insert(statements, batch);
      }
    } finally {
      if (identity) {
        execute("SET IDENTITY_INSERT " + SqlServerSql.table(table) + " OFF");
      }
    }
    return rows.rows();
  }

  private void insert(Statements statements, List<Object[]> batch) throws SQLException {
    PreparedStatement ps = statements.get(variant ? insertSql(table, columns, batch) : insertSql(table, columns, batch.size()));
    int p = 1;
    for (Object[] row : batch) {
      for (int c = 0; c < columns.size(); c++) {
        bind(ps, p++, columns.get(c), row[c]);
      }
    }
    ps.executeUpdate();
    batch.clear();
  }

  /**
   * The prepared statements of a load, by text: the full batch's is reused, and a table of variants repeats a few
   * combinations of base types. The least recently used beyond {@link #STATEMENTS} is closed.
   */
  private final class Statements extends LinkedHashMap<String, PreparedStatement> implements AutoCloseable {

    Statements() {
      super(16, 0.75f, true);
    }

    PreparedStatement get(String sql) throws SQLException {
      PreparedStatement ps = super.get(sql);
      if (ps == null) {
        ps = target.prepareStatement(sql);
        put(sql, ps);
      }
      return ps;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
      if (size() <= STATEMENTS) {
        return false;
      }
      try {
        eldest.getValue().close();
      } catch (SQLException ignored) {
        // closing a statement the server has nothing left of
      }
      return true;
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement ps : values()) {
        ps.close();
      }
      clear();
    }
  }

  static void bind(PreparedStatement ps, int i, SqlServerBulkColumn c, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(i, !c.marker().equals("?") || c.textual() ? Types.NVARCHAR : c.jdbcType() == Types.LONGVARBINARY ? Types.VARBINARY : c.jdbcType());
    } else if (v instanceof Timestamp t) {
      ps.setString(i, text(t.toLocalDateTime()));
    } else if (v instanceof java.sql.Date d) {
      ps.setString(i, d.toLocalDate() + " 00:00:00");
    } else if (v instanceof DateTimeOffset o) {
      OffsetDateTime odt = o.getOffsetDateTime();
      int minutes = odt.getOffset().getTotalSeconds() / 60;
      ps.setString(i, text(odt.toLocalDateTime()) + String.format(" %s%02d:%02d", minutes < 0 ? "-" : "+",
          Math.abs(minutes) / 60, Math.abs(minutes) % 60));
    } else if (v instanceof SqlServerVariant variant) {
      bind(ps, i, c, variant.value());
    } else if (v instanceof String s) {
      ps.setNString(i, s);
    } else if (v instanceof Reader r) {
      ps.setNCharacterStream(i, r);
    } else if (v instanceof InputStream in) {
      ps.setBinaryStream(i, in);
    } else if (v instanceof byte[] b) {
      ps.setBytes(i, b);
    } else if (v instanceof BigDecimal d) {
      ps.setBigDecimal(i, d);
    } else {
      ps.setObject(i, v);
    }
  }

  /** All 7 fractional digits, as {@code CAST(… AS datetime2(7))} reads them. */
  static String text(LocalDateTime t) {
    return String.format("%04d-%02d-%02d %02d:%02d:%02d.%07d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
        t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 100);
  }

  private static boolean holdsStream(Object[] row) {
    for (Object v : row) {
      if (v instanceof Closeable) {
        return true;
      }
    }
    return false;
  }

  private void execute(String sql) throws SQLException {
    try (Statement st = target.createStatement()) {
      st.execute(sql);
    }
  }
}
