package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one table of the state changes a job may make. */
class JobTransitionsTest {

  @Test
  void everyChangeTheCoordinatorMakesIsAllowed() {
    // pause, resume, cancel, retry, a rollback's pause, a failed unit, the last unit done, a restart losing passwords
    assertThat(JobTransitions.allowed(JobState.RUNNING, JobState.PAUSED)).isTrue();
    assertThat(JobTransitions.allowed(JobState.PAUSED, JobState.RUNNING)).isTrue();
    for (JobState unfinished : new JobState[] {JobState.PENDING, JobState.RUNNING, JobState.VERIFYING, JobState.PAUSED, JobState.FAILED}) {
      assertThat(JobTransitions.allowed(unfinished, JobState.CANCELLED)).as("cancel a %s job", unfinished).isTrue();
    }
    assertThat(JobTransitions.allowed(JobState.FAILED, JobState.RUNNING)).isTrue();
    assertThat(JobTransitions.allowed(JobState.SUCCEEDED, JobState.PAUSED)).isTrue();
    assertThat(JobTransitions.allowed(JobState.FAILED, JobState.PAUSED)).isTrue();
    assertThat(JobTransitions.allowed(JobState.PAUSED, JobState.FAILED)).isTrue();
    assertThat(JobTransitions.allowed(JobState.RUNNING, JobState.SUCCEEDED)).isTrue();
    // copied, then verified: clean or not; verified again on request
    assertThat(JobTransitions.allowed(JobState.RUNNING, JobState.VERIFYING)).isTrue();
    assertThat(JobTransitions.allowed(JobState.VERIFYING, JobState.SUCCEEDED)).isTrue();
    assertThat(JobTransitions.allowed(JobState.VERIFYING, JobState.FAILED)).isTrue();
    assertThat(JobTransitions.allowed(JobState.SUCCEEDED, JobState.VERIFYING)).isTrue();
    assertThat(JobTransitions.allowed(JobState.FAILED, JobState.VERIFYING)).isTrue();
  }

  @Test
  void aCancelledJobStaysCancelledAndASucceededOneOnlyReopensForARollbackOrAVerification() {
    for (JobState next : JobState.values()) {
      assertThat(JobTransitions.allowed(JobState.CANCELLED, next)).as("cancelled → %s", next).isEqualTo(next == JobState.CANCELLED);
      assertThat(JobTransitions.allowed(JobState.SUCCEEDED, next)).as("succeeded → %s", next)
          .isEqualTo(next == JobState.SUCCEEDED || next == JobState.PAUSED || next == JobState.VERIFYING);
    }
    assertThat(JobTransitions.allowed(JobState.PAUSED, JobState.SUCCEEDED)).as("only a running job succeeds").isFalse();
  }

  @Test
  void stayingInAStateIsAlwaysAllowed() {
    assertThat(Arrays.stream(JobState.values())).allMatch(s -> JobTransitions.allowed(s, s));
  }

  @Test
  void aRefusalNamesTheJobBothStatesAndWhatIsAllowed() {
    assertThatThrownBy(() -> JobTransitions.check("orders-x1", JobState.SUCCEEDED, JobState.RUNNING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("job orders-x1 cannot go from succeeded to running (from succeeded it may become only paused, verifying)");
  }
}
