package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresRangeTest {

  private static final SplitKey ID = key(List.of("id"), List.of("bigint"), false);
  private static final SplitKey COMPOSITE = key(List.of("tenant", "Line No"), List.of("integer", "text"), false);
  private static final SplitKey NULLABLE = key(List.of("a", "b"), List.of("text", "date"), true);

  private static SplitKey key(List<String> columns, List<String> types, boolean nullable) {
    return new SplitKey(columns, types, nullable, columns.stream().map(c -> true).toList(), nullable ? SplitMethod.UNIQUE_INDEX : SplitMethod.PRIMARY_KEY, "test");
  }

  private static KeyRange range(List<String> lower, List<String> upper) {
    return new KeyRange(lower, upper);
  }

  @Test
  void aSingleColumnRangeIsLowerInclusiveUpperExclusive() {
    assertThat(PostgresRange.predicate(ID, range(List.of("10"), List.of("20")), null))
        .isEqualTo("\"id\" >= '10'::bigint AND \"id\" < '20'::bigint");
  }

  @Test
  void openEndsAreOmitted() {
    assertThat(PostgresRange.predicate(ID, range(null, List.of("-5")), null)).isEqualTo("\"id\" < '-5'::bigint");
    assertThat(PostgresRange.predicate(ID, range(List.of("9223372036854775807"), null), null))
        .isEqualTo("\"id\" >= '9223372036854775807'::bigint");
    assertThat(PostgresRange.predicate(ID, KeyRange.ALL, null)).isEmpty();
  }

  @Test
  void compositeKeysCompareAsRowsInKeyOrder() {
    assertThat(PostgresRange.predicate(COMPOSITE, range(List.of("1", "a"), List.of("3", "b")), null)).isEqualTo(
        "(\"tenant\", \"Line No\") >= ('1'::integer, 'a'::text) AND (\"tenant\", \"Line No\") < ('3'::integer, 'b'::text)");
    assertThat(PostgresRange.orderBy(COMPOSITE, "s")).isEqualTo("s.\"tenant\", s.\"Line No\"");
    assertThat(PostgresRange.keyText(COMPOSITE)).isEqualTo("\"tenant\"::text, \"Line No\"::text");
  }

  @Test
  void resumeStartsStrictlyAfterTheLastCommittedKeyAndKeepsTheUpperBound() {
    assertThat(PostgresRange.predicate(key(List.of("Key Col"), List.of("integer"), false), range(List.of("10"), List.of("20")),
        List.of("15"))).isEqualTo("\"Key Col\" > '15'::integer AND \"Key Col\" < '20'::integer");
    assertThat(PostgresRange.predicate(COMPOSITE, range(List.of("1", "a"), null), List.of("2", "zz")))
        .isEqualTo("(\"tenant\", \"Line No\") > ('2'::integer, 'zz'::text)");
    assertThat(PostgresRange.predicate(ID, KeyRange.ALL, List.of("15"))).isEqualTo("\"id\" > '15'::bigint");
  }

  @Test
  void textUuidAndTimestampBoundsAreTypedLiteralsSoTheColumnsCollationAndOrderingApply() {
    SplitKey text = key(List.of("code"), List.of("character varying(20)"), false);
    assertThat(PostgresRange.predicate(text, range(List.of("B"), List.of("a")), null))
        .isEqualTo("\"code\" >= 'B'::character varying(20) AND \"code\" < 'a'::character varying(20)");
    SplitKey uuid = key(List.of("id"), List.of("uuid"), false);
    assertThat(PostgresRange.predicate(uuid, range(null, List.of("8f14e45f-ceea-467a-9575-6d5e6a3f5a1b")), null))
        .isEqualTo("\"id\" < '8f14e45f-ceea-467a-9575-6d5e6a3f5a1b'::uuid");
    SplitKey at = key(List.of("at", "n"), List.of("timestamp with time zone", "integer"), false);
    assertThat(PostgresRange.predicate(at, KeyRange.ALL, List.of("2024-03-31 01:30:00.123456+00", "7")))
        .isEqualTo("(\"at\", \"n\") > ('2024-03-31 01:30:00.123456+00'::timestamp with time zone, '7'::integer)");
  }

  @Test
  void hostileValuesStayInsideTheirLiteral() {
    SplitKey name = key(List.of("name"), List.of("text"), false);
    assertThat(PostgresRange.predicate(name, range(List.of("O'Brien"), List.of("'); DROP TABLE t; --")), null))
        .isEqualTo("\"name\" >= 'O''Brien'::text AND \"name\" < '''); DROP TABLE t; --'::text");
    // standard_conforming_strings is on in the source session: a backslash is an ordinary character.
    assertThat(PostgresRange.literal("C:\\dir\\'x", "text")).isEqualTo("'C:\\dir\\''x'::text");
    assertThat(PostgresRange.literal("ünïcødé ✓ 日本 🚢", "text")).isEqualTo("'ünïcødé ✓ 日本 🚢'::text");
    assertThat(PostgresSource.SESSION).contains("standard_conforming_strings = on");
    assertThatThrownBy(() -> PostgresRange.literal("a\0b", "text")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void nullableKeysExcludeNullsFromOrdinaryRangesAndReadThemAsARangeOfTheirOwn() {
    assertThat(PostgresRange.predicate(NULLABLE, range(List.of("k", "2024-01-01"), null), null))
        .isEqualTo("\"a\" IS NOT NULL AND \"b\" IS NOT NULL AND (\"a\", \"b\") >= ('k'::text, '2024-01-01'::date)");
    assertThat(PostgresRange.predicate(NULLABLE, KeyRange.ALL, null)).isEqualTo("\"a\" IS NOT NULL AND \"b\" IS NOT NULL");
    assertThat(PostgresRange.predicate(NULLABLE, KeyRange.NULL_KEYS, null)).isEqualTo("(\"a\" IS NULL OR \"b\" IS NULL)");
    assertThatThrownBy(() -> PostgresRange.predicate(ID, KeyRange.NULL_KEYS, null)).hasMessageContaining("cannot be NULL");
  }

  @Test
  void ctidRangesAreBlockRangesOverTheRowAddress() {
    SplitKey ctid = SplitKey.ctid();
    assertThat(PostgresRange.predicate(ctid, range(List.of("(10,0)"), List.of("(20,0)")), null))
        .isEqualTo("ctid >= '(10,0)'::tid AND ctid < '(20,0)'::tid");
    assertThat(PostgresRange.predicate(ctid, range(List.of("(10,0)"), List.of("(20,0)")), List.of("(14,7)")))
        .isEqualTo("ctid > '(14,7)'::tid AND ctid < '(20,0)'::tid");
    assertThat(PostgresRange.orderBy(ctid, "s")).isEqualTo("s.ctid");
    assertThat(PostgresRange.keyText(ctid)).isEqualTo("ctid::text");
  }

  @Test
  void rejectsBoundsThatDoNotFitTheKey() {
    assertThatThrownBy(() -> PostgresRange.predicate(ID, range(List.of("1", "2"), null), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 2 values; the key [id] has 1 column");
    assertThatThrownBy(() -> PostgresRange.predicate(COMPOSITE, KeyRange.ALL, List.of("1")))
        .hasMessageContaining("resume key [1] has 1 value; the key [tenant, Line No] has 2 columns");
    assertThatThrownBy(() -> PostgresRange.predicate(COMPOSITE, range(java.util.Arrays.asList("1", null), null), null))
        .hasMessageContaining("cannot be NULL");
  }

  @Test
  void copyStatementPutsTheTenantFirstAndTheKeyTextLastAndOrdersByTheKey() {
    RangeRead read = new RangeRead(new TableName("public", "Mixed Case"), List.of("id", "v"), ID,
        new KeyRange(List.of("1"), null), null, "o'brien");
    assertThat(read.keyFields()).isEqualTo(1);
    assertThat(PostgresSource.copySql(read)).isEqualTo(
        "COPY (SELECT 'o''brien'::text, \"id\", \"v\", \"id\"::text FROM ONLY \"public\".\"Mixed Case\" ferry_source"
            + " WHERE \"id\" >= '1'::bigint ORDER BY ferry_source.\"id\") TO STDOUT (FORMAT binary)");
    RangeRead resumed = new RangeRead(new TableName("s", "t"), List.of("tenant", "Line No", "x"), COMPOSITE,
        new KeyRange(List.of("1", "a"), List.of("9", "z")), List.of("4", "q"), null);
    assertThat(PostgresSource.copySql(resumed)).isEqualTo(
        "COPY (SELECT \"tenant\", \"Line No\", \"x\", \"tenant\"::text, \"Line No\"::text FROM ONLY \"s\".\"t\" ferry_source"
            + " WHERE (\"tenant\", \"Line No\") > ('4'::integer, 'q'::text) AND (\"tenant\", \"Line No\") < ('9'::integer, 'z'::text)"
            + " ORDER BY ferry_source.\"tenant\", ferry_source.\"Line No\") TO STDOUT (FORMAT binary)");
    RangeRead inBand = new RangeRead(new TableName("public", "Mixed Case"), List.of("id", "v"), ID,
        new KeyRange(List.of("1"), null), List.of("7"), "o'brien", true);
    assertThat(inBand.keyFields()).as("the key is read from the copied fields: no text appended").isZero();
    assertThat(PostgresSource.copySql(inBand)).isEqualTo(
        "COPY (SELECT 'o''brien'::text, \"id\", \"v\" FROM ONLY \"public\".\"Mixed Case\" ferry_source"
            + " WHERE \"id\" > '7'::bigint ORDER BY ferry_source.\"id\") TO STDOUT (FORMAT binary)");
    assertThatThrownBy(() -> PostgresSource.textCopySql(inBand)).isInstanceOf(IllegalArgumentException.class);
    RangeRead whole = new RangeRead(new TableName("s", "t"), List.of("a"), null, KeyRange.ALL, null, null);
    assertThat(whole.keyFields()).isZero();
    assertThat(PostgresSource.copySql(whole)).isEqualTo("COPY (SELECT \"a\" FROM ONLY \"s\".\"t\" ferry_source) TO STDOUT (FORMAT binary)");
    assertThat(PostgresTarget.copySql(new TableName("app", "t"), List.of("tenant_id", "a")))
        .isEqualTo("COPY \"app\".\"t\" (\"tenant_id\", \"a\") FROM STDIN (FORMAT binary)");
  }

  @Test
  void theNullKeyRangeIsReadWholeWithoutKeyFieldsOrOrder() {
    RangeRead nulls = new RangeRead(new TableName("s", "t"), List.of("a", "b", "v"), NULLABLE, KeyRange.NULL_KEYS,
        List.of("ignored", "2024-01-01"), null);
    assertThat(nulls.resumable()).isFalse();
    assertThat(nulls.keyFields()).isZero();
    assertThat(PostgresSource.copySql(nulls)).isEqualTo(
        "COPY (SELECT \"a\", \"b\", \"v\" FROM ONLY \"s\".\"t\" ferry_source WHERE (\"a\" IS NULL OR \"b\" IS NULL)) TO STDOUT (FORMAT binary)");
  }

  @Test
  void ctidCopiesResumeAfterTheLastAddress() {
    RangeRead read = new RangeRead(new TableName("s", "t"), List.of("a"), SplitKey.ctid(),
        new KeyRange(null, List.of("(100,0)")), List.of("(42,17)"), null);
    assertThat(PostgresSource.copySql(read)).isEqualTo("COPY (SELECT \"a\", ctid::text FROM ONLY \"s\".\"t\" ferry_source"
        + " WHERE ctid > '(42,17)'::tid AND ctid < '(100,0)'::tid ORDER BY ferry_source.ctid) TO STDOUT (FORMAT binary)");
  }

  @Test
  void histogramQuantilesAreInterpolatedInsideBuckets() {
    long[] bounds = {0, 10, 1000};
    assertThat(PostgresQuantiles.interpolate(bounds, 5)).containsExactly("0", "5", "10", "505", "1000");
    assertThat(PostgresQuantiles.interpolate(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 3))
        .containsExactly(Long.toString(Long.MIN_VALUE), "-1", Long.toString(Long.MAX_VALUE));
    assertThat(PostgresQuantiles.pick(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3)).containsExactly("1", "5", "9");
    assertThat(PostgresQuantiles.pick(List.of("a", "b", "b", "b", "c"), 5)).containsExactly("a", "b", "c");
  }

  @Test
  void blockQuantilesSpreadEvenlyOverTheHeapAndEndPastIt() {
    assertThat(PostgresQuantiles.blocks(0, 1000)).isEmpty();
    assertThat(PostgresQuantiles.blocks(3, 1000)).containsExactly(List.of("(0,0)"), List.of("(1,0)"), List.of("(2,0)"),
        List.of("(3,0)"));
    assertThat(PostgresQuantiles.blocks(100, 5)).containsExactly(List.of("(0,0)"), List.of("(25,0)"), List.of("(50,0)"),
        List.of("(75,0)"), List.of("(100,0)"));
  }

  @Test
  void sampledQuantilesAreOrderedAndThinnedOutOnTheSource() {
    SourceTable table = new SourceTable(new TableName("s", "t"), false, List.of(), List.of(), List.of(), List.of(), 0, 0);
    assertThat(PostgresQuantiles.spacedSql(table, NULLABLE, 101, 0.5)).isEqualTo(
        "SELECT k0, k1 FROM (SELECT \"a\"::text AS k0, \"b\"::text AS k1, row_number() OVER (ORDER BY \"a\", \"b\") AS rn,"
            + " count(*) OVER () AS n FROM ONLY \"s\".\"t\" TABLESAMPLE SYSTEM (0.5) WHERE \"a\" IS NOT NULL AND \"b\" IS NOT NULL) s"
            + " WHERE n <= 101 OR rn = 1 OR rn = n OR (rn - 1) * 100 / nullif(n - 1, 0) <> (rn - 2) * 100 / nullif(n - 1, 0)"
            + " ORDER BY rn");
    assertThat(PostgresQuantiles.spacedSql(table, ID, 3, 1.0E-5)).contains("TABLESAMPLE SYSTEM (0.00001)");
  }
}
