package io.ferry.worker;

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
}
