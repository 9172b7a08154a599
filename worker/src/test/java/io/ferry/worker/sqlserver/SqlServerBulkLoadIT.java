package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.ChunkWriters;
import io.ferry.worker.dialect.TableName;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code SQLServerBulkCopy} loader on its own, on the shared server with the types Babelfish's bulk
 * load stores right (integers, decimals, text and binary, long values streamed from temporary files), fed
 * in small pieces as a copy unit feeds a chunk; an abandoned chunk leaves nothing behind; and a truncated
 * table is loaded under the table lock only when it is a heap without indexes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerBulkLoadIT {

  private static final TableName TABLE = new TableName("dbo", "loaded");
  private static final int LONG = SqlServerTuples.SPILL * 2 + 17;

  final SqlServerTarget target = new SqlServerTarget();
  SqlServerDatabases dbs;
  String url;

  /** The server the tests run on: the shared one unless a subclass names another. */
  protected SqlServerDatabases newDatabases() {
    return new SqlServerDatabases();
  }

  @BeforeAll
  void database() throws SQLException {
    dbs = newDatabases();
    url = dbs.create("tgt_bulk");
    dbs.execute(url, "CREATE TABLE dbo.loaded (id bigint NOT NULL, n decimal(20,4), v nvarchar(max), b varbinary(max))");
  }

  @AfterAll
  void drop() throws SQLException {
    dbs.close();
  }

  @Test
  void bulkCopyLoadsStreamedRowsInTheTransaction() throws Exception {
    String longText = "ü".repeat(LONG / 2);
    byte[] longBytes = new byte[LONG];
    Arrays.fill(longBytes, (byte) 7);
    byte[] stream = copy(List.of(
        Arrays.asList(1L, "12.5000", "héllo ✓", new byte[] {1, 2, 3}),
        Arrays.asList(2L, null, longText, longBytes),
        Arrays.asList(3L, "-0.0001", null, null)));
    try (Connection c = target.connect(dbs.connection(url))) {
      List<SqlServerBulkColumn> columns = SqlServerChunkWriter.columns(c, TABLE, List.of("id", "n", "v", "b"));
      ChunkWriter writer = SqlServerChunkWriter.start(c, TABLE, columns, new SqlServerBulkLoad(c, TABLE, columns, true));
      for (int off = 0; off < stream.length; off += 100_000) {
        writer.write(stream, off, Math.min(100_000, stream.length - off));
      }
      assertThat(writer.end()).isEqualTo(3);
      c.commit();
    }
    try (Connection c = dbs.open(url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT id, n, v, b FROM dbo.loaded ORDER BY id")) {
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(Arrays.asList(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)));
      }
      assertThat(rows).hasSize(3);
      assertThat(rows.get(0)).containsExactly(1L, "12.5000", "héllo ✓", new byte[] {1, 2, 3});
      assertThat(rows.get(1).get(1)).isNull();
      assertThat(rows.get(1).get(2)).isEqualTo(longText);
      assertThat((byte[]) rows.get(1).get(3)).isEqualTo(longBytes);
      assertThat(rows.get(2)).containsExactly(3L, "-0.0001", null, null);
    }
  }

  @Test
  void anAbandonedChunkLeavesNothing() throws Exception {
    byte[] stream = copy(List.of(Arrays.asList(100L, "1", "x", null)));
    try (Connection c = target.connect(dbs.connection(url))) {
      List<SqlServerBulkColumn> columns = SqlServerChunkWriter.columns(c, TABLE, List.of("id", "n", "v", "b"));
      ChunkWriter writer = SqlServerChunkWriter.start(c, TABLE, columns, new SqlServerBulkLoad(c, TABLE, columns, false));
      writer.write(stream, 0, stream.length - 2); // without the trailer
      writer.cancel();
      c.rollback();
    }
    try (Connection c = dbs.open(url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM dbo.loaded WHERE id = 100")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void aMissingTableOrColumnIsNamed() {
    assertThatThrownBy(() -> {
      try (Connection c = target.connect(dbs.connection(url))) {
        target.openChunk(c, new TableName("dbo", "missing"), List.of("id"));
      }
    }).isInstanceOf(SQLException.class).hasMessageContaining("dbo.missing does not exist");
    assertThatThrownBy(() -> {
      try (Connection c = target.connect(dbs.connection(url))) {
        target.openChunk(c, TABLE, List.of("id", "nope"));
      }
    }).isInstanceOf(SQLException.class).hasMessageContaining("no column nope");
  }

  @Test
  void aTruncatedTableIsLockedOnlyAsAHeapWithoutIndexes() throws Exception {
    dbs.execute(url, "CREATE TABLE dbo.kept_indexed (id bigint NOT NULL PRIMARY KEY, n decimal(20,4), v nvarchar(max),"
        + " b varbinary(max))", "CREATE INDEX ix_kept_indexed_n ON dbo.kept_indexed (n)",
        "CREATE TABLE dbo.kept_heap (id bigint NOT NULL, n decimal(20,4), v nvarchar(max), b varbinary(max))",
        "INSERT INTO dbo.kept_indexed (id) VALUES (99)", "INSERT INTO dbo.kept_heap (id) VALUES (99)",
        "TRUNCATE TABLE dbo.kept_indexed", "TRUNCATE TABLE dbo.kept_heap");
    List<List<Object>> rows = List.of(Arrays.asList(1L, "1.5000", "eins", new byte[] {1}),
        Arrays.asList(2L, "2.2500", null, new byte[] {2, 2}), Arrays.asList(3L, null, "drei ✓", null));
    try (Connection c = target.connect(dbs.connection(url))) {
      for (String name : List.of("kept_indexed", "kept_heap")) {
        ChunkWriters writers = target.chunkWriters(c, truncate(new TableName("dbo", name)));
        assertThat(writers).isInstanceOf(SqlServerTableWrites.class);
        assertThat(((SqlServerTableWrites) writers).tableLock()).as(name).isEqualTo(name.equals("kept_heap"));
        load(writers, rows.subList(0, 2));
        load(writers, rows.subList(2, 3)); // a second chunk of the unit, under the same decision
      }
      c.commit();
    }
    for (String name : List.of("kept_indexed", "kept_heap")) {
      List<List<Object>> read = read(new TableName("dbo", name));
      assertThat(read).as(name).hasSize(3);
      assertThat(read.get(0)).containsExactly(1L, "1.5000", "eins", new byte[] {1});
      assertThat(read.get(1)).containsExactly(2L, "2.2500", null, new byte[] {2, 2});
      assertThat(read.get(2)).containsExactly(3L, null, "drei ✓", null);
    }
  }

  /** A copy unit's chunk request for {@code (id, n, v, b)} in mode truncate. */
  static ChunkRequest truncate(TableName table) {
    return new ChunkRequest(table, List.of("id", "n", "v", "b"), CopyFormat.BINARY, Mode.TRUNCATE, List.of("id"));
  }

  /** One chunk of {@code rows} through the unit's writers; the transaction is left open. */
  static void load(ChunkWriters writers, List<List<Object>> rows) throws Exception {
    byte[] stream = copy(rows);
    ChunkWriter writer = writers.open();
    writer.write(stream, 0, stream.length);
    assertThat(writer.end()).isEqualTo(rows.size());
  }

  /** The table's {@code (id, n, v, b)} rows by id. */
  List<List<Object>> read(TableName table) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = dbs.open(url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT id, n, v, b FROM " + SqlServerSql.table(table) + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(Arrays.asList(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)));
      }
    }
    return rows;
  }

  /** A binary COPY stream in the wire form of {@code (bigint, decimal, nvarchar, varbinary)} rows. */
  static byte[] copy(List<List<Object>> rows) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
    out.writeInt(0);
    out.writeInt(0);
    for (List<Object> row : rows) {
      out.writeShort(row.size());
      for (Object v : row) {
        if (v == null) {
          out.writeInt(-1);
        } else if (v instanceof Long n) {
          out.writeInt(8);
          out.writeLong(n);
        } else {
          byte[] b = v instanceof byte[] raw ? raw : v.toString().getBytes(StandardCharsets.UTF_8);
          out.writeInt(b.length);
          out.write(b);
        }
      }
    }
    out.writeShort(-1);
    return bytes.toByteArray();
  }
}
