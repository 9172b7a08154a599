package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.RangeRead;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One range of a SQL Server table as PostgreSQL text COPY, for tables with a column whose target type the
 * job overrides ({@code target.columnTypes}): the target's input functions then parse every value into its
 * column's type, the overridden one included. The same keyset read as the binary one ({@link SqlServerSelect}):
 * each value printed as {@link SqlServerTextRow} prints it, then the row's UUID fields when the read asks for
 * them (computed from the source values as the binary read computes them, so an override changes no UUID),
 * then the key columns as trailing text fields. Rows stream out in blocks of about {@link CopyTuples#BLOCK} bytes; a value is held whole while its
 * line is written, so this path suits tables without very large values.
 */
final class SqlServerTextCopySource implements CopySource {

  private final PreparedStatement statement;
  private final ResultSet rows;
  private final RangeRead read;
  private final List<String> columnTypes;
  private final int keyIndex;
  /** The row's UUID fields, or null when the read has none. */
  private final SqlServerUuids uuids;
  private final ByteArrayOutputStream block = new ByteArrayOutputStream(CopyTuples.BLOCK + 8192);
  private boolean ended;

  private SqlServerTextCopySource(PreparedStatement statement, ResultSet rows, RangeRead read, List<String> columnTypes,
      int keyIndex, SqlServerUuids uuids) {
    this.statement = statement;
    this.rows = rows;
    this.read = read;
    this.columnTypes = columnTypes;
    this.keyIndex = keyIndex;
    this.uuids = uuids;
  }

  /**
   * Starts the read of at most {@code top} rows (0: all).
   *
   * @param columnTypes the SQL Server type of each of {@code read.columns()}, in the same order
   */
  static SqlServerTextCopySource open(Connection source, RangeRead read, List<String> columnTypes, int top)
      throws SQLException {
    List<String> select = new ArrayList<>();
    for (int c = 0; c < columnTypes.size(); c++) {
      select.add(SqlServerTextRow.select(SqlServerSql.ident(read.columns().get(c)), columnTypes.get(c)));
    }
    SqlServerUuids uuids = SqlServerUuids.of(read, columnTypes, select);
    SqlServerSelect statement = SqlServerSelect.of(read, select, top);
    PreparedStatement ps = statement.prepare(source);
    try {
      return new SqlServerTextCopySource(ps, statement.execute(ps), read, columnTypes, statement.keyIndex(), uuids);
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  @Override
  public byte[] read() throws SQLException {
    if (ended) {
      return null;
    }
    block.reset();
    List<String> fields = new ArrayList<>(columnTypes.size() + read.uuids().width() + read.keyFields());
    while (block.size() < CopyTuples.BLOCK) {
      if (!rows.next()) {
        ended = true;
        statement.close();
        break;
      }
      fields.clear();
      for (int c = 0; c < columnTypes.size(); c++) {
        fields.add(SqlServerTextRow.value(rows, c + 1, columnTypes.get(c)));
      }
      if (uuids != null) {
        fields.addAll(uuids.texts(rows));
      }
      for (int k = 0; k < read.keyFields(); k++) {
        fields.add(SqlServerKeyText.print(rows, keyIndex + k, read.key().types().get(k)));
      }
      block.writeBytes(SqlServerTextRow.line(read.tenantId(), fields).getBytes(StandardCharsets.UTF_8));
    }
    return block.size() == 0 ? null : block.toByteArray();
  }

  @Override
  public void cancel() {
    close();
  }

  @Override
  public void close() {
    SqlServerSelect.close(statement, !ended);
    ended = true;
  }
}
