package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one table of the state changes a work unit may make. */
class UnitTransitionsTest {

  @Test
  void theLifeOfAUnitIsAllowed() {
    // unblocked, claimed, done; a lost lease, a retryable error, a failure and its retry; a rollback's reset
    assertThat(UnitTransitions.allowed(UnitState.BLOCKED, UnitState.PENDING)).isTrue();
    assertThat(UnitTransitions.allowed(UnitState.PENDING, UnitState.LEASED)).isTrue();
    assertThat(UnitTransitions.allowed(UnitState.LEASED, UnitState.DONE)).isTrue();
    assertThat(UnitTransitions.allowed(UnitState.LEASED, UnitState.PENDING)).isTrue();
    assertThat(UnitTransitions.allowed(UnitState.LEASED, UnitState.FAILED)).isTrue();
    assertThat(UnitTransitions.allowed(UnitState.FAILED, UnitState.PENDING)).isTrue();
    for (UnitState reset : new UnitState[] {UnitState.PENDING, UnitState.DONE, UnitState.FAILED}) {
      assertThat(UnitTransitions.allowed(reset, UnitState.BLOCKED)).as("a rollback resets a %s unit", reset).isTrue();
    }
  }

  @Test
  void aCheckpointThatSaysDoneMakesAUnitDoneWhateverItsState() {
    for (UnitState s : UnitState.values()) {
      assertThat(UnitTransitions.allowed(s, UnitState.DONE)).as("%s → done", s).isTrue();
    }
  }

  @Test
  void onlyAPendingUnitIsClaimedAndALeasedOneIsNeverResetOrBlocked() {
    for (UnitState s : UnitState.values()) {
      assertThat(UnitTransitions.allowed(s, UnitState.LEASED)).as("%s → leased", s)
          .isEqualTo(s == UnitState.PENDING || s == UnitState.LEASED);
    }
    assertThat(UnitTransitions.allowed(UnitState.LEASED, UnitState.BLOCKED)).isFalse();
    assertThat(UnitTransitions.allowed(UnitState.DONE, UnitState.PENDING)).as("reset units wait for their table").isFalse();
    assertThat(UnitTransitions.allowed(UnitState.DONE, UnitState.FAILED)).isFalse();
  }

  @Test
  void stayingInAStateIsAlwaysAllowed() {
    assertThat(Arrays.stream(UnitState.values())).allMatch(s -> UnitTransitions.allowed(s, s));
  }

  @Test
  void aRefusalNamesTheUnitBothStatesAndWhatIsAllowed() {
    WorkUnit done = WorkUnit.create("prepare:public.t", "j1", UnitKind.PREPARE, Slice.table("public.t"), UnitState.DONE);
    assertThatThrownBy(() -> UnitTransitions.check(done, done.withState(UnitState.PENDING)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("prepare unit prepare:public.t of job j1, table public.t cannot go from done to pending"
            + " (from done it may become only blocked)");
  }
}
