package io.ferry.worker.sqlserver;

import io.ferry.worker.verify.Canonical;
import io.ferry.worker.verify.VerifyRead;
import io.ferry.worker.verify.VerifySide;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL Server's part in a verify unit. Rows are streamed and hashed in Java, on both sides of a SQL Server
 * to SQL Server comparison as in a comparison with PostgreSQL: T-SQL has no text form of a row that is
 * exact for every type ({@code CONVERT} styles round floats and differ between servers), so the digest is
 * the streamed one of {@link VerifySide#digest}. Types the driver cannot print are converted by the server
 * as the copy converts them ({@code hierarchyid}, spatial types).
 */
public final class SqlServerVerify implements VerifySide {

  /**
   * Typed, as across engines: the driver's text of a {@code datetime2} or {@code decimal} follows the column's
   * declared scale, which the target may declare otherwise for the same values.
   */
  @Override
  public Canonical sameEngine(String type) {
    return Canonical.of(type);
  }

  @Override
  public void begin(Connection c) throws SQLException {
    // Read committed, as the copy reads: a verify unit runs after its copy, on rows nobody writes.
  }

  @Override
  public void end(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
    }
  }

  @Override
  public void rows(Connection c, VerifyRead read, RowSink sink) throws SQLException {
    Map<String, String> types = new HashMap<>();
    SqlServerCatalog.columns(c, read.table()).forEach(col -> types.put(col.name(), col.sqlType()));
    List<String> select = new ArrayList<>();
    for (String column : read.columns()) {
      String type = types.get(column);
      if (type == null) {
        throw new SQLException("no column " + column + " in " + read.table());
      }
      select.add(SqlServerTextRow.select(SqlServerSql.ident(column), type));
    }
    SqlServerRange range = range(read);
    String sql = "SELECT " + String.join(", ", select) + " FROM " + SqlServerSql.table(read.table()) + where(read, range)
        + (read.key() != null ? " ORDER BY " + SqlServerSql.idents(read.key().columns()) : "");
    try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      ps.setFetchSize(VerifySide.FETCH);
      bind(ps, read, range);
      try (ResultSet rs = ps.executeQuery()) {
        VerifySide.stream(rs, read, sink);
      }
    }
  }

  @Override
  public List<List<String>> splitPoints(Connection c, VerifyRead read, long every) throws SQLException {
    SqlServerRange range = range(read);
    String keys = SqlServerSql.idents(read.key().columns());
    String sql = "SELECT " + keys + " FROM (SELECT " + keys + ", ROW_NUMBER() OVER (ORDER BY " + keys + ") AS ferry_n FROM "
        + SqlServerSql.table(read.table()) + where(read, range) + ") s WHERE ferry_n % " + every + " = 0 ORDER BY ferry_n";
    List<List<String>> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, read, range);
      try (ResultSet rs = ps.executeQuery()) {
        int n = read.key().columns().size();
        while (rs.next()) {
          List<String> point = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            point.add(SqlServerKeyText.print(rs, i + 1, read.key().types().get(i)));
          }
          out.add(point);
        }
      }
    }
    return out;
  }

  private static SqlServerRange range(VerifyRead read) {
    return read.key() == null ? null : SqlServerRange.of(read.key(), read.range(), null);
  }

  private static String where(VerifyRead read, SqlServerRange range) {
    List<String> terms = new ArrayList<>();
    if (read.tenantColumn() != null) {
      terms.add(SqlServerSql.ident(read.tenantColumn()) + " = ?");
    }
    if (range != null && !range.sql().isEmpty()) {
      terms.add(range.sql());
    }
    return terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms);
  }

  private static void bind(PreparedStatement ps, VerifyRead read, SqlServerRange range) throws SQLException {
    int p = 1;
    if (read.tenantColumn() != null) {
      ps.setNString(p++, read.tenantId());
    }
    if (range != null) {
      for (int i = 0; i < range.params().size(); i++) {
        SqlServerKeyText.bind(ps, p++, range.params().get(i), range.types().get(i));
      }
    }
  }
}
