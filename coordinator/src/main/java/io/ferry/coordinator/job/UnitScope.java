package io.ferry.coordinator.job;

import io.ferry.protocol.unit.WorkUnit;

/** What a step of a job covers: the whole job or one target table. */
public enum UnitScope {
  /** The job-level prepare ({@code prepare:*types}) and finish ({@code finish:*}): they name no table. */
  JOB,
  /** A target table's prepare, copies, finish and verify units. */
  TABLE;

  /** The scope of a unit: a unit that names no target table is the job's. */
  public static UnitScope of(WorkUnit unit) {
    return unit.slice().table() == null ? JOB : TABLE;
  }
}
