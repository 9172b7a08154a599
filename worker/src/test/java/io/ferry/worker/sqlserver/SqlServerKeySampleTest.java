package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlServerKeySampleTest {

  private static final SourceTable TABLE = new SourceTable(new TableName("sales", "order lines"), false, List.of(), List.of(),
      List.of(), List.of(), 0, 0);
  private static final SplitKey PAIR = new SplitKey(List.of("region", "code"), List.of("int", "varchar(60)"), true,
      List.of(true, false), SplitMethod.UNIQUE_INDEX, "unique index");

  @Test
  void tilesAreCutInTheServersOrderOfTheWholeKeyAndLeaveNullKeysOut() {
    assertThat(SqlServerKeySample.tilesSql(TABLE, PAIR, null)).isEqualTo(
        "SELECT [region], [code] FROM (SELECT [region], [code], ROW_NUMBER() OVER (PARTITION BY ferry_tile ORDER BY"
            + " [region], [code]) AS ferry_rn FROM (SELECT [region], [code], NTILE(?) OVER (ORDER BY [region], [code])"
            + " AS ferry_tile FROM [sales].[order lines] WHERE [region] IS NOT NULL AND [code] IS NOT NULL) tiles) firsts"
            + " WHERE ferry_rn = 1 ORDER BY [region], [code]");
  }

  @Test
  void aLargeTableIsTiledOverATableSample() {
    assertThat(SqlServerKeySample.tilesSql(TABLE, PAIR, 2.5)).contains("FROM [sales].[order lines] TABLESAMPLE (2.5 PERCENT) WHERE");
  }

  @Test
  void theHistogramIsReadThroughTheKeyColumnsTypeNeverThroughTypeIds() {
    String sql = SqlServerKeySample.histogramSql("nvarchar(60)");
    assertThat(sql).contains("CAST(h.range_high_key AS nvarchar(60))", "sys.dm_db_stats_histogram(s.object_id, s.stats_id)",
        "sc.stats_column_id = 1", "ORDER BY s.stats_id, h.step_number");
  }

  @Test
  void histogramStepsArePickedAtEqualRowCounts() {
    List<String> bounds = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    List<Long> rows = List.of(1L, 10L, 10L, 10L, 10L, 10L, 10L, 19L);
    assertThat(SqlServerKeySample.pick(bounds, rows, 4)).containsExactly("a", "c", "e", "g");
    assertThat(SqlServerKeySample.pick(bounds, rows, 100)).containsExactlyElementsOf(bounds);
    assertThat(SqlServerKeySample.pick(List.of("a", "z"), List.of(1L, 1000L), 4)).containsExactly("a", "z");
  }
}
