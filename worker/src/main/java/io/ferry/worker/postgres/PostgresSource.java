package io.ferry.worker.postgres;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.IdentifierStyle;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/** Reads a PostgreSQL source: catalog, key statistics, and rows as the server's own binary COPY bytes. */
public final class PostgresSource implements SourceDialect {

  /**
   * Key values travel as the source's text ({@code col::text}) into checkpoints and range literals, and
   * back through the type's input function, possibly in another worker's session. These settings make
   * that text one fixed, exact form whatever the server's or the role's defaults: quotes are the only
   * escape in a literal, dates are ISO year-first, timestamps carry their UTC offset, floats print
   * every digit, bytea is hex.
   */
  static final String SESSION = "SET standard_conforming_strings = on; SET DateStyle = 'ISO, YMD';"
      + " SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET bytea_output = 'hex'";

  @Override
  public String engine() {
    return "postgresql";
  }

  /** PostgreSQL names are already as their users wrote them (folded to lower case unless quoted on purpose). */
  @Override
  public IdentifierStyle defaultIdentifiers() {
    return IdentifierStyle.PRESERVE;
  }

  @Override
  public Connection connect(Endpoint connection) throws SQLException {
    Connection c = PostgresConnections.open(connection);
    try (Statement st = c.createStatement()) {
      st.execute(SESSION);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  public List<TableName> listTables(Connection source) throws SQLException {
    return PostgresCatalog.listTables(source);
  }

  @Override
  public SourceTable describe(Connection source, TableName table, List<String> warnings) throws SQLException {
    return PostgresCatalog.describe(source, table, warnings);
  }

  @Override
  public SplitKey splitKey(Connection source, SourceTable table, List<String> warnings) throws SQLException {
    return PostgresKeys.choose(source, table, warnings);
  }

  @Override
  public KeySample sampleKey(Connection source, SourceTable table, SplitKey key, int points, int minPoints)
      throws SQLException {
    return PostgresQuantiles.sample(source, table, key, points, minPoints);
  }

  @Override
  public TypeMapping mapTypes(Connection source, SourceTable table, TargetSpec target) throws SQLException {
    String targetEngine = target.endpoint().engine();
    if (!engine().equals(targetEngine)) {
      throw new IllegalArgumentException("a PostgreSQL source can be copied to a PostgreSQL target only, not to "
          + targetEngine);
    }
    return PostgresTypes.map(source, table, target.schema());
  }

  @Override
  public double sampleReadRate(Connection source, SourceTable table) throws SQLException {
    return PostgresReadSample.measure(source, table);
  }

  @Override
  public CopySource openCopy(Connection source, RangeRead read, CopyFormat format) throws SQLException {
    if (read.uuids().width() > 0) {
      // The job's spec check refuses target.keys: uuid for a PostgreSQL source: its rows pass through undecoded.
      throw new IllegalArgumentException("a PostgreSQL source does not compute UUID keys (target.keys: uuid)");
    }
    return format == CopyFormat.TEXT ? open(source, textCopySql(read)) : openCopy(source, read);
  }

  @Override
  public CopySource openCopy(Connection source, RangeRead read) throws SQLException {
    return open(source, copySql(read));
  }

  @Override
  public CopySource openFirstRow(Connection source, RangeRead read) throws SQLException {
    return open(source, firstRowSql(read));
  }

  private static CopySource open(Connection source, String copySql) throws SQLException {
    // One statement is one snapshot: every chunk cut from this stream reads the same consistent state.
    // In autocommit the COPY is its own transaction, so no BEGIN, SET TRANSACTION or ROLLBACK round trips
    // surround it: with small units those were a noticeable part of each (every round trip waits for a
    // CPU when the machine is busy copying).
    source.setAutoCommit(true);
    // A pooled connection is reused only if the COPY is read to its end: a cancelled one (the cancel
    // request reaches the server asynchronously and could hit the next statement) or a failed one is closed.
    LentConnection.of(source).bulkStarted();
    CopyOut out = source.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql);
    return new CopySource() {
      @Override
      public byte[] read() throws SQLException {
        byte[] block = out.readFromCopy();
        if (block == null) {
          LentConnection.of(source).bulkEnded();
        }
        return block;
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
   * list, so it arrives as the first field of every tuple, ready for the target's tenant column. A
   * resumable read (see {@link RangeRead#resumable()}) is ordered by the key, which makes "the key of
   * the last row" a valid resume point, and (unless the key is read from the copied fields,
   * {@link RangeRead#keyInBand()}) ends every tuple with the key columns as text
   * ({@link RangeRead#keyFields()}), which the COPY parser takes off for the checkpoint.
   */
  public static String copySql(RangeRead read) {
    return selectSql(read) + " (FORMAT binary)";
  }

  /**
   * The same rows, in the same order and with the same trailing key fields, as text COPY: for tables
   * whose binary form cannot move between databases (see {@code CopyFormat.TEXT}); the text COPY parser
   * takes the key fields off each line just as the binary one does.
   */
  public static String textCopySql(RangeRead read) {
    if (read.keyInBand()) {
      throw new IllegalArgumentException("a text COPY carries its key as trailing text fields, not in band");
    }
    return selectSql(read);
  }

  /** The text read limited to its first row: a resumable read is in key order, so that is the row after the resume key. */
  public static String firstRowSql(RangeRead read) {
    if (!read.resumable()) {
      throw new IllegalArgumentException("only a read in key order has a first row to read back");
    }
    return selectSql(read, " LIMIT 1");
  }

  private static String selectSql(RangeRead read) {
    return selectSql(read, "");
  }

  private static String selectSql(RangeRead read, String limit) {
    String alias = "ferry_source";
    List<String> select = new ArrayList<>();
    if (read.tenantId() != null) {
      select.add(PgSql.literal(read.tenantId()) + "::text");
    }
    read.columns().forEach(c -> select.add(PgSql.ident(c)));
    if (read.keyFields() > 0) {
      select.add(PostgresRange.keyText(read.key()));
    }
    StringBuilder sql = new StringBuilder("COPY (SELECT ").append(String.join(", ", select))
        .append(" FROM ").append(PgSql.ownRows(read.table())).append(" ").append(alias);
    if (read.key() != null && read.key().ordered()) {
      String where = PostgresRange.predicate(read.key(), read.range(), read.resumable() ? read.resumeAfter() : null);
      if (!where.isEmpty()) {
        sql.append(" WHERE ").append(where);
      }
      if (read.resumable()) {
        sql.append(" ORDER BY ").append(PostgresRange.orderBy(read.key(), alias));
      }
    }
    return sql.append(limit).append(") TO STDOUT").toString();
  }
}
