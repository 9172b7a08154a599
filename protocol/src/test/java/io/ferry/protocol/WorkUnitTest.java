package io.ferry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import org.junit.jupiter.api.Test;

/** Each change of a unit changes what it names and keeps the rest. */
class WorkUnitTest {

  private static final WorkUnit UNIT = CodecTest.UNIT;

  @Test
  void aLeaseCountsAnAttemptAndRaisesTheEpochAndOtherStatesDropIt() {
    WorkUnit leased = UNIT.leased("w1", 500);
    assertThat(leased.state()).isEqualTo(UnitState.LEASED);
    assertThat(leased.attempts()).isEqualTo(1);
    assertThat(leased.epoch()).isEqualTo(1);
    assertThat(leased.workerId()).isEqualTo("w1");
    assertThat(leased.renewed(900).leaseExpiresAt()).isEqualTo(900);
    WorkUnit pending = leased.withProgress(10, 100, 2).withState(UnitState.PENDING);
    assertThat(pending.workerId()).isNull();
    assertThat(pending.leaseExpiresAt()).isZero();
    assertThat(pending.rows()).isEqualTo(10);
    assertThat(pending.rejected()).isEqualTo(2);
    assertThat(pending.id()).isEqualTo(UNIT.id());
    assertThat(pending.range()).isEqualTo(UNIT.range());
  }

  @Test
  void aRetryKeepsProgressAndARollbackStartsOverPastTheEpoch() {
    WorkUnit failed = UNIT.leased("w1", 500).withProgress(10, 100, 2).withError("boom").withState(UnitState.FAILED);
    WorkUnit retried = failed.retried();
    assertThat(retried.state()).isEqualTo(UnitState.PENDING);
    assertThat(retried.attempts()).isZero();
    assertThat(retried.error()).isNull();
    assertThat(retried.rows()).isEqualTo(10);
    assertThat(retried.epoch()).isEqualTo(1);
    WorkUnit rolledBack = failed.rolledBack();
    assertThat(rolledBack.state()).isEqualTo(UnitState.BLOCKED);
    assertThat(rolledBack.epoch()).isEqualTo(2);
    assertThat(rolledBack.rows()).isZero();
    assertThat(rolledBack.rejected()).isZero();
    assertThat(rolledBack.error()).isNull();
    assertThat(failed.withEpochAtLeast(7).epoch()).isEqualTo(7);
    assertThat(failed.withEpochAtLeast(0)).isSameAs(failed);
  }
}
