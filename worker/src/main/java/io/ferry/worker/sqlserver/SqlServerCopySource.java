package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.RangeRead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One range of a SQL Server table as PostgreSQL binary COPY: a keyset read
 * ({@code SELECT … WHERE <range> ORDER BY <key>}), forward-only and read-only, whose rows are encoded
 * tuple by tuple into blocks of about {@link CopyTuples#BLOCK} bytes. The connection streams rows as
 * they are read ({@code responseBuffering=adaptive}, see {@link SqlServerConnections}) and long values
 * stream through in pieces ({@link StreamedText}), so memory stays bounded whatever the size of the values.
 *
 * <p>Every tuple carries, as the dialect contract asks, the tenant id first when the read has one, and
 * then its UUID fields ({@link SqlServerUuids}) when the read asks for them, and the key columns as
 * trailing text fields when the read is resumable and its key is not read in band.
 */
public final class SqlServerCopySource implements CopySource {

  /** A table's columns by name and type, the type named as {@link SqlServerCatalog} names it. */
  private static final String COLUMN_TYPES = """
      SELECT c.name, CASE WHEN ty.is_user_defined = 1 THEN TYPE_NAME(ty.system_type_id) ELSE ty.name END,
        c.max_length, c.precision, c.scale
      FROM sys.columns c
      JOIN sys.tables t ON t.object_id = c.object_id
      JOIN sys.schemas s ON s.schema_id = t.schema_id
      JOIN sys.types ty ON ty.user_type_id = c.user_type_id
      WHERE s.name = ? AND t.name = ?""";

  private final PreparedStatement statement;
  private final ResultSet rows;
  private final RangeRead read;
  private final List<ColumnEncoder> encoders;
  private final int[] firstIndex;
  private final int keyIndex;
  /** The row's UUID fields, or null when the read has none. */
  private final SqlServerUuids uuids;
  private final byte[] tenant;
  private final int fieldCount;
  private final CopyTuples out = new CopyTuples();
  private boolean started;
  private boolean ended;
  private long rowNumber;
  /** The column being written of the current row, or -1 between rows. */
  private int column = -1;

  private SqlServerCopySource(PreparedStatement statement, ResultSet rows, RangeRead read, List<ColumnEncoder> encoders,
      int[] firstIndex, int keyIndex, SqlServerUuids uuids) {
    this.statement = statement;
    this.rows = rows;
    this.read = read;
    this.encoders = encoders;
    this.firstIndex = firstIndex;
    this.keyIndex = keyIndex;
    this.uuids = uuids;
    this.tenant = read.tenantId() == null ? null : read.tenantId().getBytes(StandardCharsets.UTF_8);
    this.fieldCount = (tenant == null ? 0 : 1) + encoders.size() + read.uuids().width() + read.keyFields();
  }

  /** Starts the read, the columns' types taken from the catalog. */
  public static SqlServerCopySource open(Connection source, RangeRead read) throws SQLException {
    return open(source, read, columnTypes(source, read), 0);
  }

  /**
   * The SQL Server type of each of {@code read.columns()}, from the catalog: only the views that name the type,
   * since every unit asks (a query over {@code sys.columns} and its identity, computed and default joins costs
   * a unit hundreds of milliseconds on some servers).
   */
  static List<String> columnTypes(Connection source, RangeRead read) throws SQLException {
    Map<String, String> types = new HashMap<>();
    try (PreparedStatement ps = source.prepareStatement(COLUMN_TYPES)) {
      ps.setNString(1, read.table().schema());
      ps.setNString(2, read.table().name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          types.put(rs.getString(1), new SqlServerColumn(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
              rs.getInt(5), true, null, null, null, null, null, null).sqlType());
        }
      }
    }
    List<String> columnTypes = new ArrayList<>();
    for (String c : read.columns()) {
      String type = types.get(c);
      if (type == null) {
        throw new SQLException("no column " + c + " in " + read.table());
      }
      columnTypes.add(type);
    }
    return columnTypes;
  }

  /**
   * Starts the read.
   *
   * @param columnTypes the SQL Server type of each of {@code read.columns()}, in the same order
   */
  public static SqlServerCopySource open(Connection source, RangeRead read, List<String> columnTypes) throws SQLException {
    return open(source, read, columnTypes, 0);
  }

  /** Starts the read of at most {@code top} rows (0: all). */
  static SqlServerCopySource open(Connection source, RangeRead read, List<String> columnTypes, int top)
      throws SQLException {
    // To a SQL Server target every value travels in its exact form; to PostgreSQL, as its mapped type's binary.
    java.util.function.Function<String, ColumnEncoder> encoder = SqlServerTarget.ENGINE.equals(read.targetEngine())
        ? SqlServerWire::encoder : SqlServerEncoders::forType;
    List<ColumnEncoder> encoders = columnTypes.stream().map(encoder).toList();
    List<String> select = new ArrayList<>();
    int[] first = new int[encoders.size()];
    for (int c = 0; c < encoders.size(); c++) {
      first[c] = select.size() + 1;
      select.addAll(encoders.get(c).select(SqlServerSql.ident(read.columns().get(c))));
    }
    SqlServerUuids uuids = SqlServerUuids.of(read, columnTypes, select);
    SqlServerSelect statement = SqlServerSelect.of(read, select, top);
    PreparedStatement ps = statement.prepare(source);
    try {
      return new SqlServerCopySource(ps, statement.execute(ps), read, encoders, first, statement.keyIndex(), uuids);
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
    if (!started) {
      out.header();
      started = true;
    }
    try {
      while (!out.full()) {
        if (out.draining()) {
          out.drain();
        } else if (column >= 0) {
          writeColumn();
        } else if (rows.next()) {
          rowNumber++;
          out.int16(fieldCount);
          if (tenant != null) {
            out.field(tenant);
          }
          column = 0;
        } else {
          out.trailer();
          ended = true;
          statement.close();
          break;
        }
      }
    } catch (IOException e) {
      throw new SQLException("reading " + read.table() + ": " + e.getMessage(), e);
    }
    return out.take();
  }

  /** The current row's next column, or its UUID and trailing key fields after the last one. */
  private void writeColumn() throws SQLException, IOException {
    if (column < encoders.size()) {
      try {
        encoders.get(column).write(rows, firstIndex[column], out);
      } catch (UnencodableValueException e) {
        throw new UnencodableValueException(read.table() + " row " + rowNumber + " of " + read.range(), e);
      }
      column++;
      return;
    }
    if (uuids != null) {
      uuids.write(rows, out);
    }
    for (int k = 0; k < read.keyFields(); k++) {
      String text = SqlServerKeyText.print(rows, keyIndex + k, read.key().types().get(k));
      if (text == null) {
        out.nullField();
      } else {
        out.text(text);
      }
    }
    column = -1;
  }

  @Override
  public void cancel() {
    close();
  }

  /** An unfinished read is cancelled first: closing it alone would make the driver read the rest of the range. */
  @Override
  public void close() {
    try {
      out.discard();
    } catch (IOException ignored) {
      // a value abandoned half read; its temporary file, if any, is gone with the close
    }
    SqlServerSelect.close(statement, !ended);
    ended = true;
  }
}
