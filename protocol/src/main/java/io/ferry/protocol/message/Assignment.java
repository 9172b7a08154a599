package io.ferry.protocol.message;

import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.RowErrorPolicy;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;

/**
 * A claimed unit with everything a worker needs to execute it. Connections carry the password as the
 * spec wrote it: a reference the worker resolves itself, or (for literal passwords) the literal, which
 * travels only point-to-point in this reply and never into a map.
 *
 * @param plan       the tenant's table plan (copy, prepare and finish units of a table)
 * @param statements SQL to run on the target (prepare / finish units)
 * @param chunkRows  rows per chunk transaction inside a copy unit
 * @param chunkBytes bytes per chunk transaction inside a copy unit
 * @param mode       the job's mode: how a copy unit writes (upsert goes through a staging table); null is
 *                   a plain insert, as in create, drop_recreate and truncate
 * @param copyUnits  for a rollback unit: the copy units whose target rows it deletes and whose checkpoints
 *                   it resets, each with the epoch it holds (the reset fences that epoch out); empty otherwise
 * @param onRowError what a copy unit does with a row the target rejects (null: {@code fail})
 * @param tables     for the job-level verify unit: the job's target tables ({@code schema.table}), whose
 *                   foreign keys among each other it checks for orphaned rows; empty otherwise
 */
public record Assignment(
    WorkUnit unit,
    TablePlan plan,
    Endpoint source,
    Endpoint target,
    String tenantColumn,
    List<String> statements,
    long chunkRows,
    long chunkBytes,
    Mode mode,
    List<WorkUnit> copyUnits,
    RowErrorPolicy onRowError,
    List<String> tables) {

  public Assignment {
    copyUnits = copyUnits == null ? List.of() : List.copyOf(copyUnits);
    onRowError = onRowError == null ? RowErrorPolicy.FAIL : onRowError;
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  /** The assignment of a unit that is not the job-level verify unit. */
  public Assignment(WorkUnit unit, TablePlan plan, Endpoint source, Endpoint target, String tenantColumn,
      List<String> statements, long chunkRows, long chunkBytes, Mode mode, List<WorkUnit> copyUnits,
      RowErrorPolicy onRowError) {
    this(unit, plan, source, target, tenantColumn, statements, chunkRows, chunkBytes, mode, copyUnits, onRowError,
        List.of());
  }
}
