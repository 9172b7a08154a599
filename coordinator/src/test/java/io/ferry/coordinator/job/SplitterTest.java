package io.ferry.coordinator.job;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.Fixtures;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.UnitSize;
import io.ferry.protocol.unit.KeyRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitterTest {

  private static final UnitSize TEN_THOUSAND_ROWS = new UnitSize(10_000L, 1L << 40);

  @Test
  void skewedKeysGiveRangesOfSimilarRowCounts() {
    // 100 quantiles at equal row-count steps: 90 % of the rows dense in [0, 900000), 10 % spread to 9e18.
    List<String> q = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      q.add(Long.toString(i * 10_000L));
    }
    for (int i = 1; i <= 10; i++) {
      q.add(Long.toString(i * 900_000_000_000_000_000L));
    }
    TablePlan plan = plan("t1", "public.orders", 100_000, 10_000_000, q);

    List<KeyRange> ranges = Splitter.split(plan, TEN_THOUSAND_ROWS);

    assertThat(ranges).hasSize(10);
    assertContiguousAndOpen(ranges);
    List<Integer> counts = ranges.stream().map(r -> quantilesIn(r, q)).toList();
    int min = counts.stream().mapToInt(Integer::intValue).min().orElseThrow();
    int max = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(min).isPositive();
    assertThat(max).isLessThanOrEqualTo(2 * min);
  }

  @Test
  void sparseKeysAreSplitAtTheirQuantilesNotAtEvenValues() {
    List<String> q = List.of("1", "5", "1000", "1000000", "5000000000", "9000000000000");
    TablePlan plan = plan("t1", "public.sparse", 30_000, 1_000, q);

    List<KeyRange> ranges = Splitter.split(plan, TEN_THOUSAND_ROWS);

    assertThat(ranges).hasSize(3);
    assertContiguousAndOpen(ranges);
    assertThat(ranges.get(0).upper()).containsExactly("1000");
    assertThat(ranges.get(1).upper()).containsExactly("1000000");
  }

  @Test
  void emptyQuantilesGiveOneUnitForTheWholeTable() {
    assertThat(Splitter.split(plan("t1", "public.a", 1_000_000, 1, List.of()), TEN_THOUSAND_ROWS))
        .containsExactly(KeyRange.ALL);
  }

  @Test
  void aSmallTableIsOneUnitEvenWithQuantiles() {
    assertThat(Splitter.split(plan("t1", "public.a", 9_999, 1_000, quantiles(100, 10)), TEN_THOUSAND_ROWS))
        .containsExactly(KeyRange.ALL);
    assertThat(Splitter.split(plan("t1", "public.empty", 0, 0, quantiles(100, 10)), TEN_THOUSAND_ROWS))
        .containsExactly(KeyRange.ALL);
  }

  @Test
  void singleUnitMethodIsNeverSplit() {
    TablePlan p = plan("t1", "public.a", 1_000_000, 1, quantiles(100, 10));
    TablePlan single = new TablePlan(p.tenantId(), p.sourceTable(), p.targetTable(), p.columns(),
        new SplitPlan(List.of(), List.of(), false, List.of(), SplitMethod.SINGLE_UNIT, p.split().quantiles(), p.split().sampleMethod()),
        p.estimatedRows(), p.estimatedBytes(), p.copyFormat(), null,
        new TargetDdl(List.of(), p.ddl().prepare(), p.ddl().finish(), p.ddl().foreignKeys()),
        false, false, 0, List.of());
    assertThat(Splitter.split(single, TEN_THOUSAND_ROWS)).containsExactly(KeyRange.ALL);
  }

  @Test
  void bytesAloneCanDecideTheNumberOfUnits() {
    TablePlan wide = plan("t1", "public.blobs", 100, 10_000, quantiles(101, 1));
    List<KeyRange> ranges = Splitter.split(wide, new UnitSize(1_000_000L, 2_500L));
    assertThat(ranges).hasSize(4);
    assertContiguousAndOpen(ranges);
  }

  @Test
  void duplicateSplitPointsAreDropped() {
    List<String> q = List.of("7", "7", "7", "7", "7", "8");
    List<KeyRange> ranges = Splitter.split(plan("t1", "public.dups", 50_000, 1, q), TEN_THOUSAND_ROWS);
    assertContiguousAndOpen(ranges);
    assertThat(ranges).hasSize(2);
  }

  @Test
  void unitsShareTheTableEstimate() {
    List<KeyRange> ranges = Splitter.split(plan("t1", "public.a", 100_000, 1, quantiles(100, 10)), TEN_THOUSAND_ROWS);
    assertThat(Splitter.share(100_000, ranges.size())).isEqualTo(10_000);
  }

  @Test
  void compositeTextKeysAreSplitAtTheirTuplesInTheSurveysOrder() {
    // The survey's order (here a case-insensitive collation: "b" before "C"), which Java's String order would break.
    List<List<String>> q = new ArrayList<>();
    for (String region : List.of("a", "b", "C", "d")) {
      for (int line = 0; line < 25; line++) {
        q.add(List.of(region, Integer.toString(line)));
      }
    }
    q.add(List.of("e", "0"));
    TablePlan plan = Fixtures.keyedPlan("t1", "public.lines", SplitMethod.PRIMARY_KEY, List.of("region", "line"),
        List.of("text", "integer"), false, 40_000, 1, q, null);

    List<KeyRange> ranges = Splitter.split(plan, TEN_THOUSAND_ROWS);

    assertThat(ranges).extracting(KeyRange::lower).containsExactly(null, List.of("b", "0"), List.of("C", "0"), List.of("d", "0"));
    assertThat(ranges).extracting(KeyRange::upper).containsExactly(List.of("b", "0"), List.of("C", "0"), List.of("d", "0"), null);
  }

  @Test
  void aNullableKeyAlwaysGetsARangeForItsNullKeys() {
    List<List<String>> q = quantiles(100, 10).stream().map(List::of).toList();
    TablePlan split = Fixtures.keyedPlan("t1", "public.u", SplitMethod.UNIQUE_INDEX, List.of("code"), List.of("text"), true,
        30_000, 1, q, null);
    assertThat(Splitter.split(split, TEN_THOUSAND_ROWS)).hasSize(4).last().isEqualTo(KeyRange.NULL_KEYS);
    assertThat(Splitter.split(split, TEN_THOUSAND_ROWS).subList(0, 3)).noneMatch(KeyRange::nullKeys);

    // Even as a single range: the worker reads an ordinary range of a nullable key without its NULL rows.
    TablePlan small = Fixtures.keyedPlan("t1", "public.u", SplitMethod.UNIQUE_INDEX, List.of("code"), List.of("text"), true,
        10, 1, q, null);
    assertThat(Splitter.split(small, TEN_THOUSAND_ROWS)).containsExactly(KeyRange.ALL, KeyRange.NULL_KEYS);
  }

  @Test
  void ctidPlansAreSplitAtBlockBoundaries() {
    List<List<String>> blocks = new ArrayList<>();
    for (int b = 0; b <= 400; b += 4) {
      blocks.add(List.of("(" + b + ",0)"));
    }
    TablePlan plan = Fixtures.keyedPlan("t1", "public.heap", SplitMethod.CTID, List.of("ctid"), List.of("tid"), false,
        40_000, 1, blocks, null);
    assertThat(Splitter.split(plan, TEN_THOUSAND_ROWS)).extracting(KeyRange::upper)
        .containsExactly(List.of("(100,0)"), List.of("(200,0)"), List.of("(300,0)"), null);
  }

  private static void assertContiguousAndOpen(List<KeyRange> ranges) {
    assertThat(ranges.get(0).lower()).as("first range open below").isNull();
    assertThat(ranges.get(ranges.size() - 1).upper()).as("last range open above").isNull();
    for (int i = 1; i < ranges.size(); i++) {
      assertThat(ranges.get(i).lower()).as("range %d starts where %d ends", i, i - 1).isEqualTo(ranges.get(i - 1).upper());
      assertThat(new BigInteger(ranges.get(i).lower().get(0)))
          .as("ranges are increasing").isGreaterThan(i == 1 ? BigInteger.valueOf(Long.MIN_VALUE) : new BigInteger(ranges.get(i - 1).lower().get(0)));
    }
  }

  private static int quantilesIn(KeyRange r, List<String> q) {
    int n = 0;
    for (String s : q) {
      BigInteger v = new BigInteger(s);
      boolean aboveLower = r.lower() == null || v.compareTo(new BigInteger(r.lower().get(0))) >= 0;
      boolean belowUpper = r.upper() == null || v.compareTo(new BigInteger(r.upper().get(0))) < 0;
      if (aboveLower && belowUpper) {
        n++;
      }
    }
    return n;
  }
}
