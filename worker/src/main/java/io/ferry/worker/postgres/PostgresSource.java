package io.ferry.worker.postgres;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Connection;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/** Reads a PostgreSQL source: catalog, key statistics, and rows as the server's own binary COPY bytes. */
public final class PostgresSource implements SourceDialect {

  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

  @Override
  public String engine() {
    return "postgresql";
  }

  @Override
  public java.sql.Connection connect(Connection connection) throws SQLException {
    return PostgresConnections.open(connection);
  }

  @Override
  public List<TableName> listTables(java.sql.Connection source) throws SQLException {
    return PostgresCatalog.listTables(source);
  }

  @Override
  public SourceTable describe(java.sql.Connection source, TableName table, List<String> warnings) throws SQLException {
    return PostgresCatalog.describe(source, table, warnings);
  }

  @Override
  public boolean isIntegerKey(SourceColumn column) {
    return INTEGER_TYPES.contains(column.type());
  }

  @Override
  public KeySample sampleKey(java.sql.Connection source, SourceTable table, String keyColumn, int points) throws SQLException {
    return PostgresQuantiles.sample(source, table, keyColumn, points);
  }

  @Override
  public TypeMapping mapTypes(java.sql.Connection source, SourceTable table, String targetSchema) throws SQLException {
    return PostgresTypes.map(source, table, targetSchema);
  }

  @Override
  public double sampleReadRate(java.sql.Connection source, SourceTable table) throws SQLException {
    return PostgresReadSample.measure(source, table);
  }

  @Override
  public CopySource openCopy(java.sql.Connection source, RangeRead read, CopyFormat format) throws SQLException {
    return format == CopyFormat.TEXT ? open(source, PostgresTextCopy.copySql(read)) : openCopy(source, read);
  }

  @Override
  public CopySource openCopy(java.sql.Connection source, RangeRead read) throws SQLException {
    return open(source, copySql(read));
  }

  private static CopySource open(java.sql.Connection source, String copySql) throws SQLException {
    source.setAutoCommit(false);
    try (Statement st = source.createStatement()) {
      // One snapshot for the whole unit attempt: every chunk reads the same consistent state, and the
      // rows after a resume point are exactly the ones this snapshot would have returned.
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
    CopyOut out = source.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql);
    return new CopySource() {
      @Override
      public byte[] read() throws SQLException {
        return out.readFromCopy();
      }

      @Override
      public void cancel() {
        try {
          if (out.isActive()) {
            out.cancelCopy();
          }
        } catch (SQLException ignored) {
          // the connection is closed next anyway
        }
      }

      @Override
      public void close() {
        cancel();
      }
    };
  }

  /**
   * {@code COPY (SELECT …) TO STDOUT (FORMAT binary)}. The tenant id is a text literal in the select
   * list, so it arrives as the first field of every tuple, ready for the target's tenant column. A keyed
   * read is ordered by the key, which makes "the key of the last row" a valid resume point.
   */
  public static String copySql(RangeRead read) {
    StringBuilder sql = new StringBuilder("COPY (SELECT ");
    if (read.tenantId() != null) {
      sql.append(PgSql.literal(read.tenantId())).append("::text");
      if (!read.columns().isEmpty()) {
        sql.append(", ");
      }
    }
    sql.append(PgSql.idents(read.columns())).append(" FROM ").append(PgSql.table(read.table()));
    if (read.keyColumn() != null) {
      String where = PostgresRange.predicate(read.keyColumn(), read.range(), read.resumeAfter());
      if (!where.isEmpty()) {
        sql.append(" WHERE ").append(where);
      }
      sql.append(" ORDER BY ").append(PgSql.ident(read.keyColumn()));
    }
    return sql.append(") TO STDOUT (FORMAT binary)").toString();
  }
}
