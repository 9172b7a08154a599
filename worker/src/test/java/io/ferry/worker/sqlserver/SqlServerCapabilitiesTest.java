package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The query variants the server's capabilities pick, at an old compatibility level (100, SQL Server 2008's,
 * the lowest SQL Server 2016 and later accept) and a new one (150), and on servers with and without the
 * statistics histogram function.
 */
class SqlServerCapabilitiesTest {

  private static final SqlServerCapabilities SQL2022_AT_150 = new SqlServerCapabilities(16, 3, 150, true, true, false, false);
  private static final SqlServerCapabilities SQL2022_AT_100 = new SqlServerCapabilities(16, 3, 100, true, false, false, false);
  private static final SqlServerCapabilities SQL2016_AT_130 = new SqlServerCapabilities(13, 3, 130, false, false, true, false);
  private static final SqlServerCapabilities AZURE_AT_150 = new SqlServerCapabilities(12, 5, 150, true, false, false, false);
  private static final SqlServerCapabilities BABELFISH = new SqlServerCapabilities(12, 2, 120, false, true, false, true);

  private static final SplitKey ONE = new SplitKey(List.of("id"), List.of("int"), false, List.of(true),
      SplitMethod.PRIMARY_KEY, "primary key");
  private static final SplitKey PAIR = new SplitKey(List.of("region", "code"), List.of("int", "varchar(60)"), false,
      List.of(true, false), SplitMethod.PRIMARY_KEY, "primary key");
  private static final SourceTable TABLE = new SourceTable(new TableName("dbo", "t"), false, List.of(), List.of(),
      List.of(), List.of(), 0, 0);

  /** Functions and syntax that came after SQL Server 2008 (or with compatibility level 130 and later). */
  private static final List<String> NEWER = List.of("STRING_AGG", "WITHIN GROUP", "OPENJSON", "JSON_",
      "STRING_SPLIT", "CONCAT_WS", "TRIM(", "IIF(", "TRY_CONVERT", "TRY_CAST", "IF EXISTS", "OFFSET ", "FETCH NEXT",
      "GREATEST(", "LEAST(", "DATE_BUCKET", "APPROX_");

  @Test
  void productVersionsAreReadByTheirMajorNumber() {
    assertThat(SqlServerCapabilities.majorVersion("16.0.4135.4")).isEqualTo(16);
    assertThat(SqlServerCapabilities.majorVersion("10.50.6000.34")).isEqualTo(10);
    assertThat(SqlServerCapabilities.majorVersion("12.0.2000.8")).isEqualTo(12);
    assertThat(SqlServerCapabilities.majorVersion(null)).isZero();
    assertThat(SqlServerCapabilities.majorVersion("unknown")).isZero();
  }

  /**
   * The source's catalog queries group their rows in Java, so one text serves every level: nothing in them
   * came later than SQL Server 2008 (compatibility level 100), which these servers all accept.
   */
  @Test
  void sourceMetadataQueriesAreTheSameAtEveryCompatibilityLevelAndUseNothingNewerThan100() {
    Map<String, String> queries = Map.of("tables", SqlServerCatalog.TABLES, "columns", SqlServerCatalog.COLUMNS,
        "indexes", SqlServerIndexes.INDEXES, "foreign keys", SqlServerConstraints.FOREIGN_KEYS,
        "checks", SqlServerConstraints.CHECKS, "rows", SqlServerSize.ROWS, "pages", SqlServerSize.PAGES,
        "capabilities", SqlServerCapabilities.READ, "histogram", SqlServerKeySample.histogramSql("int"),
        "tiles", SqlServerKeySample.tilesSql(TABLE, PAIR, 2.5));
    queries.forEach((what, sql) -> assertThat(sql.toUpperCase(java.util.Locale.ROOT)).as(what)
        .doesNotContain(NEWER.toArray(String[]::new)));
  }

  /** A target's foreign key drop is written before any connection says which server runs it: it needs none of them. */
  @Test
  void theForeignKeyDropBatchRunsAtEveryLevel() {
    String sql = SqlServerForeignKeyDrops.dropSql(List.of(new TableName("dbo", "a")), List.of(new TableName("dbo", "b")),
        "N'job'", "N'unit'");
    assertThat(sql.toUpperCase(java.util.Locale.ROOT)).doesNotContain(NEWER.toArray(String[]::new)).doesNotContain("FOR XML");
    assertThat(sql).contains("WHERE f.n = @i AND k.constraint_column_id = @k");
  }

  @Test
  void theHistogramIsAskedOnlyWhereTheServerHasItAndForAOneColumnKey() {
    assertThat(SqlServerKeySample.usesHistogram(SQL2022_AT_150, ONE)).isTrue();
    // The function is the server's, not the database's: a database at level 100 on SQL Server 2022 has it.
    assertThat(SqlServerKeySample.usesHistogram(SQL2022_AT_100, ONE)).isTrue();
    assertThat(SqlServerKeySample.usesHistogram(AZURE_AT_150, ONE)).isTrue();
    assertThat(SqlServerKeySample.usesHistogram(SQL2016_AT_130, ONE)).as("2016 before SP1 CU2").isFalse();
    assertThat(SqlServerKeySample.usesHistogram(BABELFISH, ONE)).isFalse();
    assertThat(SqlServerKeySample.usesHistogram(SQL2022_AT_150, PAIR)).as("a histogram orders only its first column")
        .isFalse();
  }

  @Test
  void theIsolationWarningSaysWhichWeakerGuaranteeApplies() {
    assertThat(SqlServerIsolation.warning(SQL2022_AT_150, "district_1")).isNull();
    assertThat(SqlServerIsolation.warning(SQL2022_AT_100, "district_1"))
        .contains("database district_1 does not allow SNAPSHOT isolation", "READ COMMITTED", "(locking)",
            "read twice or not at all");
    assertThat(SqlServerIsolation.warning(SQL2016_AT_130, "district_1"))
        .contains("READ_COMMITTED_SNAPSHOT ON", "units of a table read different moments");
  }
}
