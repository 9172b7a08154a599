package io.ferry.worker.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UnitControlTest {

  @Test
  void endingTellsTheWorkerOnceSoItClaimsTheNextUnitOnce() {
    AtomicInteger claims = new AtomicInteger();
    UnitControl control = new UnitControl(claims::incrementAndGet);
    assertThat(control.isEnding()).isFalse();

    control.ending();
    control.ending();

    assertThat(control.isEnding()).isTrue();
    assertThat(claims).hasValue(1);
    assertThat(control.leaseLost()).isFalse();
    assertThat(control.stopping()).isFalse();
  }

  @Test
  void endingSoonAndEndingEachTellTheWorkerOnce() {
    AtomicInteger calls = new AtomicInteger();
    UnitControl control = new UnitControl(calls::incrementAndGet);

    control.endingSoon();
    control.endingSoon();
    assertThat(control.isEndingSoon()).isTrue();
    assertThat(control.isEnding()).isFalse();
    assertThat(calls).hasValue(1);

    control.ending();
    assertThat(calls).hasValue(2);
  }

  @Test
  void aSmallUnitIsEndingSoonFromItsStartAndWantsSeveralSuccessors() {
    AtomicInteger calls = new AtomicInteger();
    UnitControl control = new UnitControl(calls::incrementAndGet);
    assertThat(control.successorsWanted()).isEqualTo(1);

    control.small();
    assertThat(control.isEndingSoon()).isTrue();
    assertThat(control.successorsWanted()).isEqualTo(UnitControl.SMALL_UNIT_SUCCESSORS).isGreaterThan(1);
    assertThat(calls).as("the worker is told once, to claim").hasValue(1);
  }

  @Test
  void theEndIsNearWhenTheRestAtThePaceSoFarFitsTheHorizon() {
    long second = 1_000_000_000L;
    // 10,000 rows estimated, resumed at 2,000: 1,000 rows in 0.5 s leave 7,000 rows, 3.5 s: not near.
    EndEstimate end = new EndEstimate(10_000, 2_000, 0);
    assertThat(end.near(3_000, second / 2)).isFalse();
    // 7,000 rows in 1.75 s: 1,000 left take 0.25 s.
    assertThat(end.near(9_000, 7 * second / 4)).isTrue();
    assertThat(end.near(12_000, 10 * second)).as("past the estimate").isTrue();
    assertThat(end.near(2_000, 0)).as("nothing streamed yet").isFalse();
    assertThat(new EndEstimate(0, 0, 0).near(1_000_000, 1)).as("no estimate").isFalse();
  }
}
