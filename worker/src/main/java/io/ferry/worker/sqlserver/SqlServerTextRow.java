package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.RangeRead;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

/**
 * The first row of a resumable read as one line of PostgreSQL text COPY (how a row the target rejected
 * is recorded): each column in the text form PostgreSQL's input functions read (key text for dates,
 * numbers and binary, {@code bytea}'s {@code \x} hex, the driver's text for the rest), then its UUID
 * fields when the read asks for them, then the key columns, escaped as text COPY escapes them.
 */
final class SqlServerTextRow {

  private SqlServerTextRow() {
  }

  /** The read's first row: the text COPY read ({@link SqlServerTextCopySource}) of one row. */
  static CopySource open(Connection source, RangeRead read, List<String> columnTypes) throws SQLException {
    if (!read.resumable()) {
      throw new IllegalArgumentException("only a read in key order has a first row to read back");
    }
    return SqlServerTextCopySource.open(source, read, columnTypes, 1);
  }

  /**
   * The select-list entry of a column read as text: types the driver cannot print as PostgreSQL reads them
   * are converted by the server, as the binary read converts them ({@link SqlServerEncoders}).
   */
  static String select(String column, String sqlServerType) {
    return switch (SqlServerType.parse(sqlServerType).name()) {
      case "hierarchyid" -> "CAST(" + column + " AS nvarchar(4000)) AS " + column;
      case "geography", "geometry" ->
          "'SRID=' + CAST(" + column + ".STSrid AS varchar(11)) + ';' + " + column + ".STAsText() AS " + column;
      default -> column;
    };
  }

  static String value(ResultSet rs, int i, String sqlServerType) throws SQLException {
    return switch (SqlServerType.parse(sqlServerType).name()) {
      case "binary", "varbinary", "image", "timestamp", "rowversion" -> {
        byte[] v = rs.getBytes(i);
        yield v == null ? null : "\\x" + HexFormat.of().formatHex(v);
      }
      case "bit" -> {
        boolean v = rs.getBoolean(i);
        yield rs.wasNull() ? null : Boolean.toString(v);
      }
      default -> SqlServerKeyText.print(rs, i, sqlServerType);
    };
  }

  static String line(String tenantId, List<String> fields) {
    StringBuilder out = new StringBuilder();
    if (tenantId != null) {
      out.append(escape(tenantId)).append('\t');
    }
    for (int f = 0; f < fields.size(); f++) {
      out.append(f == 0 ? "" : "\t").append(fields.get(f) == null ? "\\N" : escape(fields.get(f)));
    }
    return out.append('\n').toString();
  }

  /** Text COPY's escapes: backslash, and the tab, newline and carriage return that would end a field or line. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }
}
