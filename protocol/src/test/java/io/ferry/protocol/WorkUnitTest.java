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
    assertThat(leased.lease().attempts()).isEqualTo(1);
    assertThat(leased.lease().epoch()).isEqualTo(1);
    assertThat(leased.lease().workerId()).isEqualTo("w1");
    assertThat(leased.renewed(900).lease().expiresAt()).isEqualTo(900);
    WorkUnit pending = leased.withProgress(10, 100, 2).withState(UnitState.PENDING);
    assertThat(pending.lease().workerId()).isNull();
    assertThat(pending.lease().expiresAt()).isZero();
    assertThat(pending.progress().rows()).isEqualTo(10);
    assertThat(pending.progress().rejected()).isEqualTo(2);
    assertThat(pending.id()).isEqualTo(UNIT.id());
    assertThat(pending.slice().range()).isEqualTo(UNIT.slice().range());
  }

  @Test
  void aRetryKeepsProgressAndARollbackStartsOverPastTheEpoch() {
    WorkUnit failed = UNIT.leased("w1", 500).withProgress(10, 100, 2).withError("boom").withState(UnitState.FAILED);
    WorkUnit retried = failed.retried();
    assertThat(retried.state()).isEqualTo(UnitState.PENDING);
    assertThat(retried.lease().attempts()).isZero();
    assertThat(retried.progress().error()).isNull();
    assertThat(retried.progress().rows()).isEqualTo(10);
    assertThat(retried.lease().epoch()).isEqualTo(1);
    WorkUnit rolledBack = failed.rolledBack();
    assertThat(rolledBack.state()).isEqualTo(UnitState.BLOCKED);
    assertThat(rolledBack.lease().epoch()).isEqualTo(2);
    assertThat(rolledBack.progress().rows()).isZero();
    assertThat(rolledBack.progress().rejected()).isZero();
    assertThat(rolledBack.progress().error()).isNull();
    assertThat(failed.withEpochAtLeast(7).lease().epoch()).isEqualTo(7);
    assertThat(failed.withEpochAtLeast(0)).isSameAs(failed);
  }
}
