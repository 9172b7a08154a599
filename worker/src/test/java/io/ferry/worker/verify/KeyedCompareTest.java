package io.ferry.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import io.ferry.protocol.unit.KeyRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keyed comparison of a leaf: missing, extra and different keys, whatever order the target streams in. */
class KeyedCompareTest {

  private static final List<String> COLUMNS = List.of("id", "name", "amount");

  @Test
  void namesMissingExtraAndDifferentKeysWithTheDifferingColumns() {
    FindingsBuilder findings = new FindingsBuilder();
    KeyedCompare c = new KeyedCompare(new int[] {0}, COLUMNS, findings);
    c.sourceRow(row("1", "a", "10"));
    c.sourceRow(row("2", "b", "20"));
    c.sourceRow(row("3", "c", "30"));
    c.sourceRow(row("4", "d", null));
    // the target streams in another order: the join does not depend on it
    c.targetRow(row("4", "d", "0"));
    c.targetRow(row("9", "x", "90"));
    c.targetRow(row("1", "a", "10"));
    c.targetRow(row("3", "C", "31"));
    c.finish();

    assertThat(findings.build().differences()).containsExactly(
        new Difference(Kind.MISSING, List.of("2"), List.of()),
        new Difference(Kind.DIFFERENT, List.of("3"), List.of("name", "amount")),
        new Difference(Kind.DIFFERENT, List.of("4"), List.of("amount")),
        new Difference(Kind.EXTRA, List.of("9"), List.of()));
    assertThat(findings.build().differenceCount()).isEqualTo(4);
  }

  @Test
  void compositeKeysJoinOnEveryKeyColumnAndNullDiffersFromEmpty() {
    FindingsBuilder findings = new FindingsBuilder();
    KeyedCompare c = new KeyedCompare(new int[] {1, 0}, List.of("a", "b", "v"), findings);
    c.sourceRow(row("x", "1", ""));
    c.sourceRow(row("y", "1", "same"));
    c.targetRow(row("x", "1", null));
    c.targetRow(row("y", "1", "same"));
    c.finish();

    assertThat(findings.build().differences()).containsExactly(new Difference(Kind.DIFFERENT, List.of("1", "x"), List.of("v")));
  }

  @Test
  void countsEveryDifferenceButListsTheFirstHundred() {
    FindingsBuilder findings = new FindingsBuilder();
    KeyedCompare c = new KeyedCompare(new int[] {0}, COLUMNS, findings);
    for (int i = 0; i < 150; i++) {
      c.targetRow(row(Integer.toString(i), "t", "0"));
    }
    c.finish();
    VerifyFindings f = findings.build();
    assertThat(f.differenceCount()).isEqualTo(150);
    assertThat(f.differences()).hasSize(VerifyFindings.MAX_LISTED).allMatch(d -> d.kind() == Kind.EXTRA);
  }

  @Test
  void aRangeIsCutAtItsPointsIntoAdjacentRanges() {
    KeyRange r = new KeyRange(List.of("10"), List.of("90"));
    assertThat(VerifyUnit.cut(r, List.of(List.of("30"), List.of("60")))).containsExactly(
        new KeyRange(List.of("10"), List.of("30")), new KeyRange(List.of("30"), List.of("60")),
        new KeyRange(List.of("60"), List.of("90")));
    assertThat(VerifyUnit.cut(KeyRange.ALL, List.of(List.of("5")))).containsExactly(
        new KeyRange(null, List.of("5")), new KeyRange(List.of("5"), null));
  }

  private static String[] row(String... values) {
    return values;
  }
}
