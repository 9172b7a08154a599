package io.ferry.coordinator.job;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The state changes a job may make, in one table; the job board refuses any other ({@link #check}).
 * Staying in a state is always allowed (a repeated request writes it again).
 */
public final class JobTransitions {

  private static final Map<JobState, Set<JobState>> ALLOWED = new EnumMap<>(JobState.class);

  static {
    // Paused on request or by a rollback, failed by a unit, cancelled on request, succeeded once every unit is done.
    ALLOWED.put(JobState.PENDING, EnumSet.of(JobState.RUNNING, JobState.PAUSED, JobState.FAILED, JobState.CANCELLED));
    // Verifying once copied, when the job has verify units.
    ALLOWED.put(JobState.RUNNING, EnumSet.of(JobState.PAUSED, JobState.VERIFYING, JobState.SUCCEEDED, JobState.FAILED,
        JobState.CANCELLED));
    ALLOWED.put(JobState.VERIFYING, EnumSet.of(JobState.PAUSED, JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED));
    // Resumed; a unit in flight when it was paused may still fail it.
    ALLOWED.put(JobState.PAUSED, EnumSet.of(JobState.RUNNING, JobState.FAILED, JobState.CANCELLED));
    // Retried, paused by a rollback, or verified again on request.
    ALLOWED.put(JobState.FAILED, EnumSet.of(JobState.RUNNING, JobState.PAUSED, JobState.VERIFYING, JobState.CANCELLED));
    // A rollback reopens a finished copy: the job waits paused to copy it again; or verified again on request.
    ALLOWED.put(JobState.SUCCEEDED, EnumSet.of(JobState.PAUSED, JobState.VERIFYING));
    ALLOWED.put(JobState.CANCELLED, EnumSet.noneOf(JobState.class));
  }

  private JobTransitions() {
  }

  public static boolean allowed(JobState from, JobState to) {
    return from == to || ALLOWED.get(from).contains(to);
  }

  /** Refuses a change the table does not allow, naming the job, both states and what is allowed. */
  public static void check(String jobId, JobState from, JobState to) {
    if (!allowed(from, to)) {
      throw new IllegalStateException("job " + jobId + " cannot go from " + from.wireName() + " to " + to.wireName()
          + " (from " + from.wireName() + " it may become only " + names(ALLOWED.get(from)) + ")");
    }
  }

  private static String names(Set<JobState> states) {
    return states.isEmpty() ? "nothing else: it is final"
        : String.join(", ", states.stream().map(JobState::wireName).toList());
  }
}
