package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.SplitKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlServerRangeTest {

  private static final SplitKey ID = new SplitKey(List.of("id"), List.of("int"), false, List.of(true), SplitMethod.PRIMARY_KEY, "pk");
  private static final SplitKey PAIR = new SplitKey(List.of("a", "b]"), List.of("datetime", "varbinary(8)"), false, List.of(true, true),
      SplitMethod.PRIMARY_KEY, "pk");

  @Test
  void aRangeIsLowerInclusiveUpperExclusive() {
    SqlServerRange r = SqlServerRange.of(ID, new KeyRange(List.of("10"), List.of("20")), null);
    assertThat(r.sql()).isEqualTo("[id] >= CAST(? AS int) AND [id] < CAST(? AS int)");
    assertThat(r.params()).containsExactly("10", "20");
  }

  @Test
  void aTargetKeyDeclaredWithItsIdentityIsCastToItsBareType() {
    SplitKey identity = new SplitKey(List.of("id"), List.of("int IDENTITY(1, 1)"), false, List.of(true),
        SplitMethod.PRIMARY_KEY, "pk");
    SqlServerRange r = SqlServerRange.of(identity, new KeyRange(List.of("10"), List.of("20")), null);
    assertThat(r.sql()).isEqualTo("[id] >= CAST(? AS int) AND [id] < CAST(? AS int)");
  }

  @Test
  void aResumeStartsStrictlyAfterTheLastKeyInsteadOfTheLowerBound() {
    SqlServerRange r = SqlServerRange.of(ID, new KeyRange(List.of("10"), null), List.of("15"));
    assertThat(r.sql()).isEqualTo("[id] > CAST(? AS int)");
    assertThat(r.params()).containsExactly("15");
  }

  @Test
  void compositeBoundsAreWrittenOutLexicographically() {
    SqlServerRange r = SqlServerRange.of(PAIR, new KeyRange(List.of("2024-01-01T00:00:00.003", "0a"), null), null);
    assertThat(r.sql()).isEqualTo("([a] > CAST(? AS datetime) OR ([a] = CAST(? AS datetime) AND [b]]] >= ?))");
    assertThat(r.params()).containsExactly("2024-01-01T00:00:00.003", "2024-01-01T00:00:00.003", "0a");
    assertThat(r.types()).containsExactly("datetime", "datetime", "varbinary(8)");
  }

  @Test
  void aNullableKeysOrdinaryRangesLeaveNullKeysToTheirOwnRange() {
    SplitKey key = new SplitKey(List.of("u", "v"), List.of("int", "int"), true, List.of(true, true), SplitMethod.UNIQUE_INDEX, "ux");
    assertThat(SqlServerRange.of(key, KeyRange.ALL, null).sql()).isEqualTo("[u] IS NOT NULL AND [v] IS NOT NULL");
    assertThat(SqlServerRange.of(key, KeyRange.NULL_KEYS, null).sql()).isEqualTo("([u] IS NULL OR [v] IS NULL)");
  }

  @Test
  void aBoundOfTheWrongWidthIsRefused() {
    assertThatThrownBy(() -> SqlServerRange.of(PAIR, new KeyRange(List.of("1"), null), null))
        .hasMessageContaining("has 1 values");
  }
}
