package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresRangeTest {

  @Test
  void closedRangeIsLowerInclusiveUpperExclusive() {
    assertThat(PostgresRange.predicate("id", new KeyRange(List.of("10"), List.of("20")), null))
        .isEqualTo("\"id\" >= 10 AND \"id\" < 20");
  }

  @Test
  void openEndsAreOmitted() {
    assertThat(PostgresRange.predicate("id", new KeyRange(null, List.of("-5")), null)).isEqualTo("\"id\" < -5");
    assertThat(PostgresRange.predicate("id", new KeyRange(List.of("9223372036854775807"), null), null))
        .isEqualTo("\"id\" >= 9223372036854775807");
    assertThat(PostgresRange.predicate("id", KeyRange.ALL, null)).isEmpty();
  }

  @Test
  void resumeStartsStrictlyAfterTheLastCommittedKey() {
    assertThat(PostgresRange.predicate("Key Col", new KeyRange(List.of("10"), List.of("20")), "15"))
        .isEqualTo("\"Key Col\" > 15 AND \"Key Col\" < 20");
    assertThat(PostgresRange.predicate("id", KeyRange.ALL, "15")).isEqualTo("\"id\" > 15");
  }

  @Test
  void rejectsBoundsThatAreNotIntegers() {
    assertThatThrownBy(() -> PostgresRange.predicate("id", new KeyRange(List.of("1; DROP TABLE x"), null), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an integer");
    assertThatThrownBy(() -> PostgresRange.predicate("id", new KeyRange(null, List.of("1.5")), null))
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> PostgresRange.predicate("id", KeyRange.ALL, "abc")).hasMessageContaining("not an integer");
    assertThatThrownBy(() -> PostgresRange.predicate("id", new KeyRange(List.of("1", "2"), null), null))
        .hasMessageContaining("one column");
  }

  @Test
  void copyStatementPutsTheTenantLiteralFirstAndOrdersByKey() {
    RangeRead read = new RangeRead(new TableName("public", "Mixed Case"), List.of("id", "v"), "id",
        new KeyRange(List.of("1"), null), null, "o'brien");
    assertThat(PostgresSource.copySql(read)).isEqualTo(
        "COPY (SELECT 'o''brien'::text, \"id\", \"v\" FROM \"public\".\"Mixed Case\" WHERE \"id\" >= 1 ORDER BY \"id\")"
            + " TO STDOUT (FORMAT binary)");
    RangeRead whole = new RangeRead(new TableName("s", "t"), List.of("a"), null, KeyRange.ALL, null, null);
    assertThat(PostgresSource.copySql(whole)).isEqualTo("COPY (SELECT \"a\" FROM \"s\".\"t\") TO STDOUT (FORMAT binary)");
    assertThat(PostgresTarget.copySql(new TableName("app", "t"), List.of("tenant_id", "a")))
        .isEqualTo("COPY \"app\".\"t\" (\"tenant_id\", \"a\") FROM STDIN (FORMAT binary)");
  }

  @Test
  void histogramQuantilesAreInterpolatedInsideBuckets() {
    long[] bounds = {0, 10, 1000};
    assertThat(PostgresQuantiles.interpolate(bounds, 5)).containsExactly("0", "5", "10", "505", "1000");
    assertThat(PostgresQuantiles.interpolate(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 3))
        .containsExactly(Long.toString(Long.MIN_VALUE), "-1", Long.toString(Long.MAX_VALUE));
    assertThat(PostgresQuantiles.pick(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3)).containsExactly("1", "5", "9");
    assertThat(PostgresQuantiles.parseIntegerArray("{-3,4,5}")).containsExactly(-3, 4, 5);
  }
}
