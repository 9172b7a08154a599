package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.spec.Mode;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * {@code sql_variant} of every base type, {@code hierarchyid}, {@code geography} and {@code geometry} copied from
 * SQL Server 2022 to SQL Server 2022 (and the CLR types to PostgreSQL), which Babelfish cannot hold. Variants are
 * compared by their properties and bytes; CLR values by their serialized bytes, SRIDs and paths, a geometry past
 * the writer's spill size and an invalid polygon included. Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022CarriedTypesIT extends SqlServerCarriedTypesContract {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  private static final TableName SHAPES = new TableName("dbo", "shapes");
  private static final TableName LANDED_SHAPES = new TableName("landed", "shapes");
  private static final TableName MIXED = new TableName("dbo", "mixed");
  private static final TableName LANDED_MIXED = new TableName("landed", "mixed");
  /** Points of the long line: 16 bytes each, past {@link SqlServerTuples#SPILL}. */
  private static final int POINTS = 80_000;

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
  }

  @Override
  protected List<String> variants() {
    return List.of("CAST(42 AS int)", "CAST(-9223372036854775808 AS bigint)", "CAST(-32768 AS smallint)",
        "CAST(255 AS tinyint)", "CAST(0 AS bit)", "CAST(-12345678901234567.123456789 AS decimal(28,9))",
        "CAST(99999 AS numeric(5,0))", "CAST(-922337203685477.5808 AS money)", "CAST(214748.3647 AS smallmoney)",
        "CAST(0.1 AS float)", "CAST(-1.7976931348623157E308 AS float)", "CAST(2.2250738585072014E-308 AS float)",
        "CAST(3.4028235E38 AS real)", "CAST(1.1 AS real)", "CAST('0001-01-01' AS date)",
        "CAST('23:59:59.9999999' AS time(7))", "CAST('12:00:00.5' AS time(1))",
        "CAST('2024-02-29 13:14:15.1234567' AS datetime2(7))", "CAST('1999-12-31 23:59:59.997' AS datetime2(3))",
        "CAST('2024-06-30 08:00:00.7654321 +05:45' AS datetimeoffset(7))",
        "CAST('0001-01-01 00:00:00 -14:00' AS datetimeoffset(0))", "CAST('1753-01-01 00:00:00.003' AS datetime)",
        "CAST('9999-12-31 23:59:59.997' AS datetime)", "CAST('2079-06-06 23:59:00' AS smalldatetime)",
        "CAST('ab  ' AS char(4))", "CAST(CAST(N'Grüße' AS varchar(10)) COLLATE Latin1_General_CS_AS AS varchar(10))",
        // varchar in another code page: its bytes are cp1253's
        "CAST(N'Ελλάδα' COLLATE Greek_CI_AS AS varchar(20))", "CAST(N'emoji 😀 ✓' AS nvarchar(40))",
        "CAST(N'ü' COLLATE French_CS_AS AS nchar(3))", "CAST(REPLICATE('x', 8000) AS varchar(8000))",
        "CAST(0x00FF10AB AS binary(4))", "CAST(0xDEADBEEF AS varbinary(16))", "CAST(0x AS varbinary(1))",
        "CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)");
  }

  /** Adds the value's bytes, which tell apart what its text may not (float digits, code pages, trailing spaces). */
  @Override
  protected List<String> variantForms(String column) {
    List<String> forms = new ArrayList<>(super.variantForms(column));
    forms.add("CAST(" + column + " AS varbinary(8000))");
    return forms;
  }

  @Test
  void clrValuesLandAsTheSameBytesInANewTableAndInAnUpsert() throws SQLException {
    shapes();
    List<String> forms = List.of("h.ToString()", "CAST(h AS varbinary(892))", "g.STSrid", "HASHBYTES('SHA2_256', CAST(g AS varbinary(max)))",
        "m.STSrid", "CAST(m.STIsValid() AS int)", "DATALENGTH(m)", "HASHBYTES('SHA2_256', CAST(m AS varbinary(max)))");
    List<List<String>> expected = rows(sourceUrl, SHAPES, forms);
    assertThat(expected).hasSize(5);
    assertThat(expected.get(0)).startsWith("1", "/1/3/2.5/");
    assertThat(Long.parseLong(expected.get(3).get(7))).isGreaterThan(SqlServerTuples.SPILL);
    assertThat(expected.get(4).get(6)).as("the bow tie is an invalid polygon").isEqualTo("0");
    SourceTable mapped = copy.mapped(SHAPES);

    assertThat(copy.copy(mapped, SHAPES, LANDED_SHAPES, Mode.CREATE)).isEqualTo(5);
    assertThat(rows(targetUrl, LANDED_SHAPES, forms)).as("create").isEqualTo(expected);

    dbs.execute(targetUrl, "UPDATE landed.shapes SET g = NULL, m = geometry::Point(0, 0, 0) WHERE id = 1",
        "DELETE FROM landed.shapes WHERE id = 4");
    copy.copy(mapped, SHAPES, LANDED_SHAPES, Mode.UPSERT);
    assertThat(rows(targetUrl, LANDED_SHAPES, forms)).as("upsert").isEqualTo(expected);
  }

  /** A variant column sends the table through INSERT statements: a geography there is bound as its bytes. */
  @Test
  void clrValuesBesideAVariantLandTheSame() throws SQLException {
    dbs.execute(sourceUrl, "CREATE TABLE dbo.mixed (id int NOT NULL PRIMARY KEY, v sql_variant NULL, g geography NULL)",
        "INSERT INTO dbo.mixed (id, v, g) VALUES (1, CAST(CAST(1.5 AS decimal(3,1)) AS sql_variant),"
            + " geography::STGeomFromText('POLYGON((-122.358 47.653, -122.348 47.649, -122.348 47.658, -122.358 47.653))', 4326)),"
            + " (2, NULL, NULL)");
    List<String> forms = new ArrayList<>(variantForms("v"));
    forms.addAll(List.of("g.STSrid", "CAST(g AS varbinary(max))"));
    List<List<String>> expected = rows(sourceUrl, MIXED, forms);
    assertThat(copy.copy(copy.mapped(MIXED), MIXED, LANDED_MIXED, Mode.CREATE)).isEqualTo(2);
    assertThat(rows(targetUrl, LANDED_MIXED, forms)).isEqualTo(expected);
  }

  /** To PostgreSQL the CLR types land as text: the path, and extended WKT without Z and M. */
  @Test
  void clrValuesLandInPostgresAsText() throws Exception {
    shapes();
    try (TestPostgres pg = new TestPostgres()) {
      String pgUrl = pg.create("clr");
      SourceTable table;
      try (Connection c = dbs.open(sourceUrl)) {
        table = SqlServerCatalog.describe(c, SHAPES, new ArrayList<>());
      }
      TypeMapping mapping = SqlServerTypes.map(table);
      List<SourceColumn> copied = table.copiedColumns();
      try (Connection p = pg.open(pgUrl); Connection source = dbs.open(sourceUrl); Statement st = p.createStatement()) {
        st.execute("CREATE TABLE shapes (" + copied.stream().map(c -> c.name() + " " + mapping.columns().get(c.name()).targetType())
            .collect(Collectors.joining(", ")) + ")");
        SplitKey key = new SplitKey(List.of("id"), List.of("int"), false, List.of(true), SplitMethod.PRIMARY_KEY, "primary key");
        RangeRead read = new RangeRead(SHAPES, copied.stream().map(SourceColumn::name).toList(), key, null, null, null);
        assertThat(PgCopyLoad.load(p, "shapes", SqlServerCopySource.open(source, read), copied.size(), 1).rows).isEqualTo(5);
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT id, h, g, left(m, 60) FROM shapes WHERE id IN (1, 2, 3) ORDER BY id")) {
          while (rs.next()) {
            rows.add(List.of(rs.getString(1), String.valueOf(rs.getString(2)), String.valueOf(rs.getString(3)),
                String.valueOf(rs.getString(4))));
          }
        }
        assertThat(rows).containsExactly(
            List.of("1", "/1/3/2.5/", "SRID=4326;POINT (-122.349 47.651)", "SRID=0;POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"),
            List.of("2", "/", "SRID=4269;LINESTRING (-122.36 47.656, -122.343 47.656)", "SRID=32633;POINT (1 2)"),
            List.of("3", "null", "null", "null"));
      }
    }
  }

  /** The CLR values, once per class: Z and M values, a root path, NULLs, a long line and an invalid polygon. */
  private void shapes() throws SQLException {
    dbs.execute(sourceUrl, "IF OBJECT_ID('dbo.shapes') IS NULL BEGIN"
        + " CREATE TABLE dbo.shapes (id int NOT NULL PRIMARY KEY, h hierarchyid NULL, g geography NULL, m geometry NULL);"
        + " INSERT INTO dbo.shapes (id, h, g, m) VALUES"
        + " (1, hierarchyid::Parse('/1/3/2.5/'), geography::STGeomFromText('POINT(-122.349 47.651)', 4326),"
        + "  geometry::STGeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))', 0)),"
        + " (2, hierarchyid::GetRoot(), geography::STGeomFromText('LINESTRING(-122.360 47.656 10 1, -122.343 47.656 20 2)', 4269),"
        + "  geometry::STGeomFromText('POINT(1 2 3 4)', 32633)),"
        + " (3, NULL, NULL, NULL);"
        + " INSERT INTO dbo.shapes (id, h, m) SELECT 4, hierarchyid::Parse('/-1/3.5/'), geometry::STGeomFromText('LINESTRING('"
        + "  + STRING_AGG(CAST(CONCAT(n, ' ', n % 7) AS varchar(max)), ',') + ')', 3857)"
        + "  FROM (SELECT TOP (" + POINTS + ") ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS n"
        + "  FROM sys.all_objects a CROSS JOIN sys.all_objects b) x;"
        + " INSERT INTO dbo.shapes (id, m) VALUES (5, geometry::STGeomFromText('POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))', 0));"
        + " END");
  }
}
