package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A SQL Server table of every type Ferry copies to SQL Server, read by the SQL Server source for a SQL Server
 * target and written by the SQL Server target in every mode: every value lands exactly (7 fractional digits,
 * offsets, GUIDs, money, long values past the spill size), and the identity continues past
 * the source's position.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerToSqlServerIT {

  private static final TableName TABLE = new TableName("dbo", "everything");
  private static final TableName TARGET = new TableName("landed", "everything");
  private static final int LONG_VALUE = SqlServerTuples.SPILL + 4096;

  private final SqlServerDatabases dbs = new SqlServerDatabases();
  private final SqlServerSource source = new SqlServerSource();
  private final SqlServerTarget target = new SqlServerTarget();
  private String sourceUrl;
  private String targetUrl;
  private SqlServerTableCopy tables;

  @BeforeAll
  void databases() throws SQLException {
    sourceUrl = dbs.create("tgt_every_src");
    targetUrl = dbs.create("tgt_every_dst");
    tables = new SqlServerTableCopy(dbs, sourceUrl, targetUrl);
    dbs.execute(sourceUrl, """
        CREATE TABLE dbo.everything (
          id int IDENTITY(10, 5) NOT NULL PRIMARY KEY,
          b bigint, i int, s smallint, ti tinyint, bt bit, d decimal(28,9), nm numeric(5,0), m money, sm smallmoney,
          f float, r real, dt date, tm time(7), d2 datetime2(7), d23 datetime2(3), dto datetimeoffset(7), dtm datetime,
          sdt smalldatetime, c char(4), vc varchar(30), nc nchar(3), nv nvarchar(40), nvm nvarchar(max), vcm varchar(max),
          bn binary(4), vb varbinary(16), vbm varbinary(max), g uniqueidentifier, x xml)""",
        """
        INSERT INTO dbo.everything (b, i, s, ti, bt, d, nm, m, sm, f, r, dt, tm, d2, d23, dto, dtm, sdt, c, vc, nc, nv, nvm, vcm,
          bn, vb, vbm, g, x) VALUES
          (-9223372036854775808, -2147483648, -32768, 0, 1, -12345678901234567.123456789, 99999, -922337203685477.5808, 214748.3647,
           -1.7976931348623157E308, 3.4028235E38, '0001-01-01', '23:59:59.999999', '2024-02-29 13:14:15.1234567',
           '1999-12-31 23:59:59.997', '2024-06-30 08:00:00.7654321 +05:45', '1753-01-01 00:00:00.003', '2079-06-06 23:59:00',
           'ab  ', 'plain', N'äöü', N'emoji 😀 and ✓', N'long', 'long', 0x00FF10AB, 0xDEADBEEF, 0x0001,
           '6F9619FF-8B86-D011-B42D-00C04FC964FF', N'<a b="1">x</a>'),
          (9223372036854775807, 2147483647, 32767, 255, 0, 0.000000001, -1, 0, -214748.3648, 5E-324, -1.4E-45, '9999-12-31',
           '00:00:00', '0001-01-01 00:00:00', '9999-12-31 23:59:59.999', '0001-01-01 00:00:00 -14:00', '9999-12-31 23:59:59.997',
           '1900-01-01 00:00:00', '', '', N'', N'', N'', '', 0x00, 0x, 0x, '00000000-0000-0000-0000-000000000000', N''),
          (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
        // Values longer than the writer's spill size stream through temporary files.
        "UPDATE dbo.everything SET nvm = REPLICATE(CAST(N'ü€' AS nvarchar(max)), " + LONG_VALUE / 2 + "),"
            + " vbm = CAST(REPLICATE(CAST('xy' AS varchar(max)), " + LONG_VALUE / 2 + ") AS varbinary(max)),"
            + " vcm = REPLICATE(CAST('v' AS varchar(max)), " + LONG_VALUE + ") WHERE id = 15",
        "DELETE FROM dbo.everything WHERE id = 20",
        "INSERT INTO dbo.everything (b) VALUES (7)");
  }

  @AfterAll
  void drop() throws SQLException {
    if (tables != null) {
      tables.close();
    }
    dbs.close();
  }

  @Test
  void everyValueLandsExactlyInEveryMode() throws SQLException {
    List<List<String>> expected = rows(sourceUrl, TABLE);
    assertThat(expected).hasSize(3);
    SourceTable mapped = tables.mapped(TABLE);
    assertThat(mapped.column("id").type()).isEqualTo("int IDENTITY(10, 5)");
    try (Connection c = source.connect(dbs.connection(sourceUrl))) {
      assertThat(mapped.column("d2").type()).as("as the catalog prints it (Babelfish: datetime2(6))")
          .isEqualTo(source.describe(c, TABLE, new ArrayList<>()).column("d2").type());
    }

    copy(mapped, Mode.CREATE);
    assertThat(rows(targetUrl, TARGET)).as("create").isEqualTo(expected);
    assertThat(insertedIdentity()).as("the identity continues past the source's position (25)").isEqualTo(30);

    copy(mapped, Mode.DROP_RECREATE);
    assertThat(rows(targetUrl, TARGET)).as("drop_recreate").isEqualTo(expected);

    dbs.execute(targetUrl, "INSERT INTO landed.everything (b) VALUES (1)");
    copy(mapped, Mode.TRUNCATE);
    assertThat(rows(targetUrl, TARGET)).as("truncate").isEqualTo(expected);

    dbs.execute(targetUrl, "DELETE FROM landed.everything");
    copy(mapped, Mode.APPEND);
    assertThat(rows(targetUrl, TARGET)).as("append").isEqualTo(expected);

    dbs.execute(targetUrl, "UPDATE landed.everything SET d2 = '2000-01-01', nvm = N'changed', g = NEWID() WHERE id = 10",
        "DELETE FROM landed.everything WHERE id = 25");
    copy(mapped, Mode.UPSERT);
    copy(mapped, Mode.UPSERT);
    assertThat(rows(targetUrl, TARGET)).as("upsert, twice").isEqualTo(expected);

    dbs.execute(targetUrl, "DELETE FROM landed.everything");
    copy(mapped, Mode.PRESERVE_SCHEMA);
    assertThat(rows(targetUrl, TARGET)).as("preserve_schema").isEqualTo(expected);
  }

  @Test
  void aJobNeverCopiesADatabaseOntoItself() throws SQLException {
    assertThat(target.sameDatabase(sourceUrl, sourceUrl)).isTrue();
    assertThat(target.sameDatabase(sourceUrl, targetUrl)).isFalse();
    try (Connection s = source.connect(dbs.connection(sourceUrl)); Connection again = target.connect(dbs.connection(sourceUrl));
         Connection t = target.connect(dbs.connection(targetUrl))) {
      String identity = target.databaseIdentity(s);
      assertThat(identity).isNotBlank().isEqualTo(target.databaseIdentity(again));
      assertThat(target.databaseIdentity(t)).isNotEqualTo(identity);
    }
  }

  /** Prepare, one chunk of the whole table, finish: as the units run them. */
  private void copy(SourceTable mapped, Mode mode) throws SQLException {
    assertThat(tables.copy(mapped, TABLE, TARGET, mode)).isEqualTo(3);
  }

  /** The identity a new target row gets; the row is rolled back. */
  private long insertedIdentity() throws SQLException {
    try (Connection c = target.connect(dbs.connection(targetUrl)); Statement st = c.createStatement()) {
      st.execute("INSERT INTO landed.everything (b) VALUES (1)");
      try (ResultSet rs = st.executeQuery("SELECT CAST(SCOPE_IDENTITY() AS bigint)")) {
        rs.next();
        long id = rs.getLong(1);
        c.rollback();
        return id;
      }
    }
  }

  /**
   * A value with the trailing zeros of its fraction dropped: Babelfish's catalog reports a {@code (7)} temporal
   * column as {@code (6)}, so the target column prints one digit fewer of the same value.
   */
  static String fraction(String value) {
    return value == null ? null : value.replaceAll("(\\.\\d+?)0+(?=$| )", "$1");
  }

  /** Every row in key order, each value as the driver prints it (all digits, offsets, hex for binary). */
  private List<List<String>> rows(String url, TableName table) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = dbs.open(url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT * FROM " + SqlServerSql.table(table) + " ORDER BY id")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          String v = fraction(rs.getString(i));
          row.add(rs.getMetaData().getColumnLabel(i) + "=" + (v != null && v.length() > 100 ? v.length() + ":" + v.hashCode() : v));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
