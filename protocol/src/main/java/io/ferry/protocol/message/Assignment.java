package io.ferry.protocol.message;

import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Connection;
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
 */
public record Assignment(
    WorkUnit unit,
    TablePlan plan,
    Connection source,
    Connection target,
    String tenantColumn,
    List<String> statements,
    long chunkRows,
    long chunkBytes) {
}
