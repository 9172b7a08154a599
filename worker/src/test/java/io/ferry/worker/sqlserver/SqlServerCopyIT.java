package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows of every mapped type read from the SQL Server test server, encoded as binary COPY and loaded into
 * a real PostgreSQL table of the mapped types: each value compared as PostgreSQL prints it.
 */
class SqlServerCopyIT {

  private static final TableName EVERYTHING = new TableName("sales", "everything");
  private static final int BIG = 3_000_000;
  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TestPostgres PG = new TestPostgres();
  private static String mssqlUrl;
  private static String pgUrl;
  private static SourceTable table;

  @BeforeAll
  static void createTables() throws Exception {
    mssqlUrl = MSSQL.create("copy");
    List<String> setup = new ArrayList<>(List.of(SqlServerFixtures.EVERYTHING));
    setup.add("""
        INSERT INTO sales.everything (code, c_guid, c_tinyint, c_smallint, c_bigint, c_bit, c_dec, c_num, c_money,
          c_smallmoney, c_float, c_real, c_date, c_time, c_dt, c_dt2, c_sdt, c_dto, c_char, c_nchar, c_vc, c_nvc,
          c_nvcmax, c_text, c_ntext, c_bin, c_vbin, c_vbinmax, c_image, c_xml, c_ssn, c_sv)
        VALUES ('alpha', '6F9619FF-8B86-D011-B42D-00C04FD430C8', 255, 32767, 9223372036854775807, 1,
          -12345678901234.5678, 12345678901234567890123456789012345678, -922337203685477.5808, 214748.3647,
          0.1, 1.5, '0001-01-01', '23:59:59.123', '1753-01-01T00:00:00.003', '9999-12-31T23:59:59.999999',
          '2079-06-06T23:59:00', '2020-05-06T07:08:09.123456-05:30', 'ab', N'ü', 'long text', N'Grüße 😀',
          REPLICATE(CAST(N'é' AS nvarchar(max)), 600000), 'old text', N'old ntext', 0x01020304, 0x00FF,
          CAST(REPLICATE(CAST('x' AS varchar(max)), %d) AS varbinary(max)), 0x0A0B, '<a x="1">t</a>', '123-45-6789',
          CAST(42 AS int))
        """.formatted(BIG));
    setup.add("INSERT INTO sales.everything (code) VALUES ('nulls')");
    setup.add("""
        INSERT INTO sales.everything (code, c_guid, c_smallint, c_dec, c_num, c_money, c_float, c_date, c_dt2, c_dto,
          c_vc, c_vbin, c_vbinmax)
        VALUES ('zeros', '00000000-0000-0000-0000-000000000001', 0, 0.0001, 0, 0, -0.0, '2000-01-01',
          '1999-12-31T23:59:59.9999994', '2000-01-01T00:00:00+00:00', '', 0x, 0x)""");
    // Before the Gregorian calendar the driver counts instants in the Julian one: the day must still be the stored day.
    setup.add("INSERT INTO sales.everything (code, c_dto) VALUES ('early', '0001-01-01T12:00:00.1234567+01:00')");
    MSSQL.execute(mssqlUrl, setup.toArray(String[]::new));
    try (Connection c = MSSQL.open(mssqlUrl)) {
      table = SqlServerCatalog.describe(c, EVERYTHING, new ArrayList<>());
    }
    pgUrl = PG.create("mssql");
  }

  @AfterAll
  static void dropDatabases() throws SQLException {
    MSSQL.close();
    PG.close();
  }

  @Test
  void everyTypeLandsInItsMappedPostgresType() throws Exception {
    TypeMapping mapping = SqlServerTypes.map(table);
    List<SourceColumn> copied = table.copiedColumns();
    PgCopyLoad load;
    try (Connection pg = PG.open(pgUrl); Connection source = MSSQL.open(mssqlUrl)) {
      createTarget(pg, "everything", copied, mapping);
      assertThat(formatTypes(pg, "everything")).isEqualTo(copied.stream().collect(Collectors.toMap(
          SourceColumn::name, c -> mapping.portable(c.name()), (a, b) -> a, LinkedHashMap::new)));
      RangeRead read = new RangeRead(EVERYTHING, copied.stream().map(SourceColumn::name).toList(), idKey(), null, null, null);
      load = PgCopyLoad.load(pg, "everything", SqlServerCopySource.open(source, read), copied.size(), 1);
    }
    assertThat(load.rows).isEqualTo(4);
    assertThat(load.lastKey).containsExactly("25");
    // The 3 MB varbinary(max) and 1.2 MB nvarchar(max) values streamed through in pieces.
    assertThat(load.blockSizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThan(2 * CopyTuples.BLOCK);

    Map<String, String> alpha = row("code = 'alpha'");
    assertThat(alpha).containsEntry("id", "10").containsEntry("c_guid", "6f9619ff-8b86-d011-b42d-00c04fd430c8")
        .containsEntry("c_tinyint", "255").containsEntry("c_smallint", "32767")
        .containsEntry("c_bigint", "9223372036854775807").containsEntry("c_bit", "t")
        .containsEntry("c_dec", "-12345678901234.5678").containsEntry("c_num", "12345678901234567890123456789012345678")
        .containsEntry("c_money", "-922337203685477.5808").containsEntry("c_smallmoney", "214748.3647")
        .containsEntry("c_float", "0.1").containsEntry("c_real", "1.5").containsEntry("c_date", "0001-01-01")
        .containsEntry("c_time", "23:59:59.123").containsEntry("c_dt", "1753-01-01 00:00:00.003")
        .containsEntry("c_dt2", "9999-12-31 23:59:59.999999").containsEntry("c_sdt", "2079-06-06 23:59:00")
        .containsEntry("c_dto", "2020-05-06 12:38:09.123456+00").containsEntry("c_char", "ab        ")
        .containsEntry("c_nchar", "ü    ").containsEntry("c_vc", "long text").containsEntry("c_nvc", "Grüße 😀")
        .containsEntry("c_text", "old text").containsEntry("c_ntext", "old ntext").containsEntry("c_bin", "\\x01020304")
        .containsEntry("c_vbin", "\\x00ff").containsEntry("c_image", "\\x0a0b")
        .containsEntry("c_xml", "<a x=\"1\">t</a>").containsEntry("c_ssn", "123-45-6789").containsEntry("c_sv", "42");
    assertThat(alpha.get("c_nvcmax")).hasSize(600_000).matches("é+");
    assertThat(alpha.get("c_vbinmax")).isEqualTo(md5("x".repeat(BIG)));
    assertThat(alpha.get("c_rv")).matches("\\\\x[0-9a-f]{16}");

    Map<String, String> nulls = row("code = 'nulls'");
    assertThat(nulls).containsEntry("id", "15");
    nulls.entrySet().stream().filter(e -> !List.of("id", "code", "c_guid", "c_bit", "c_rv").contains(e.getKey()))
        .forEach(e -> assertThat(e.getValue()).as(e.getKey()).isNull());

    Map<String, String> zeros = row("code = 'zeros'");
    assertThat(zeros).containsEntry("c_guid", "00000000-0000-0000-0000-000000000001").containsEntry("c_smallint", "0")
        .containsEntry("c_dec", "0.0001").containsEntry("c_num", "0").containsEntry("c_money", "0.0000")
        .containsEntry("c_date", "2000-01-01").containsEntry("c_dto", "2000-01-01 00:00:00+00")
        .containsEntry("c_vc", "").containsEntry("c_vbin", "\\x").containsEntry("c_vbinmax", md5(""));
    assertThat(zeros.get("c_float")).isIn("0", "-0");
    // 1999-12-31T23:59:59.9999994 rounds to the microsecond, before or at the turn of the year
    assertThat(zeros.get("c_dt2")).startsWith("1999-12-31 23:59:59.99999").doesNotContain("2000");
    assertThat(row("code = 'early'")).containsEntry("c_dto", "0001-01-01 11:00:00.123457+00");
  }

  private static SplitKey idKey() {
    return new SplitKey(List.of("id"), List.of("int"), false, List.of(true), SplitMethod.PRIMARY_KEY, "primary key");
  }

  private static void createTarget(Connection pg, String name, List<SourceColumn> columns, TypeMapping mapping)
      throws SQLException {
    String ddl = columns.stream().map(c -> "\"" + c.name() + "\" " + mapping.columns().get(c.name()).targetType())
        .collect(Collectors.joining(", "));
    try (Statement st = pg.createStatement()) {
      st.execute("CREATE TABLE " + name + " (" + ddl + ")");
    }
  }

  private static Map<String, String> formatTypes(Connection pg, String name) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + name
            + "'::regclass AND attnum > 0 ORDER BY attnum")) {
      while (rs.next()) {
        types.put(rs.getString(1), rs.getString(2));
      }
    }
    return types;
  }

  /** One loaded row, every column as PostgreSQL prints it in UTC; long binary values as their md5. */
  private static Map<String, String> row(String where) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (Connection pg = PG.open(pgUrl); Statement st = pg.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      try (ResultSet rs = st.executeQuery("SELECT *, md5(c_vbinmax) AS md5 FROM everything WHERE " + where)) {
        assertThat(rs.next()).as(where).isTrue();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          values.put(rs.getMetaData().getColumnName(i), rs.getString(i));
        }
      }
    }
    values.put("c_vbinmax", values.remove("md5"));
    return values;
  }

  private static String md5(String value) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}
