package io.ferry.worker.verify;

import io.ferry.worker.dialect.TableName;
import io.ferry.worker.postgres.PgSql;
import io.ferry.worker.postgres.PostgresVerify;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Row count and an order-independent checksum of a whole PostgreSQL table (or one tenant's rows of it): the
 * sum of a 64-bit hash of each row's text form. Tools and tests compare tables with it outside a job; it
 * needs no column types, and two tables whose rows print alike are equal. A verify unit hashes typed values
 * instead ({@link PostgresVerify#checksumSelect}), which is faster.
 */
public final class TableChecksum {

  /** {@code checksum} is the decimal sum of row hashes (a numeric, so it cannot overflow). */
  public record Result(long rows, String checksum) {
  }

  private TableChecksum() {
  }

  /**
   * @param table        {@code schema.table}, unquoted
   * @param tenantColumn when non-null, only rows whose tenant column equals {@code tenantValue} count
   */
  public static Result compute(Connection c, String table, List<String> columns, String tenantColumn, String tenantValue)
      throws SQLException {
    // Text forms depend on session settings: pin the ones that change how values print.
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute("SET DateStyle = 'ISO, YMD'");
      st.execute("SET IntervalStyle = 'postgres'");
      st.execute("SET extra_float_digits = 1");
    }
    String sql = "SELECT count(*), coalesce(sum(hashtextextended(ROW(" + PgSql.idents(columns) + ")::text, 0)), 0)::text"
        + " FROM " + PgSql.table(TableName.parse(table))
        + (tenantColumn == null ? "" : " WHERE " + PgSql.ident(tenantColumn) + " = ?");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (tenantColumn != null) {
        ps.setString(1, tenantValue);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Result(rs.getLong(1), rs.getString(2));
      }
    }
  }

  /** Non-generated, non-dropped columns of {@code schema.table} in column order. */
  public static List<String> listColumns(Connection c, String table) throws SQLException {
    TableName name = TableName.parse(table);
    String sql = """
        SELECT a.attname FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        ORDER BY a.attnum""";
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name.schema());
      ps.setString(2, name.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
