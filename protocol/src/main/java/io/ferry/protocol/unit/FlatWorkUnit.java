package io.ferry.protocol.unit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ferry.protocol.message.VerifyFindings;

/**
 * A {@link WorkUnit} as its JSON holds it: every field of its parts side by side, as {@code ferry.units}
 * records in targets have them. The unit is written in this form too, so a stored unit read and written
 * again is the record it was. {@code findings} is only a done verify unit's (and a repair unit's); records without it still read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FlatWorkUnit(
    String id,
    String jobId,
    UnitKind kind,
    String tenantId,
    String table,
    String sourceTable,
    KeyRange range,
    long estimatedRows,
    long estimatedBytes,
    UnitState state,
    int attempts,
    long epoch,
    String workerId,
    long leaseExpiresAt,
    long rows,
    long bytes,
    String error,
    long rejected,
    VerifyFindings findings) {

  static FlatWorkUnit of(WorkUnit u) {
    Slice s = u.slice();
    Lease l = u.lease();
    Progress p = u.progress();
    return new FlatWorkUnit(u.id(), u.jobId(), u.kind(), s.tenantId(), s.table(), s.sourceTable(), s.range(),
        s.estimatedRows(), s.estimatedBytes(), u.state(), l.attempts(), l.epoch(), l.workerId(), l.expiresAt(), p.rows(),
        p.bytes(), p.error(), p.rejected(), p.findings());
  }

  WorkUnit unit() {
    return new WorkUnit(id, jobId, kind, new Slice(tenantId, table, sourceTable, range, estimatedRows, estimatedBytes),
        state, new Lease(attempts, epoch, workerId, leaseExpiresAt), new Progress(rows, bytes, rejected, error, findings));
  }
}
