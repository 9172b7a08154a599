package io.ferry.coordinator.progress;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.coordinator.job.Verification;
import io.ferry.coordinator.schedule.JobBoard;
import io.ferry.coordinator.schedule.JobTally;
import io.ferry.protocol.Json;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * A job's status as the API shows it: progress from the units (copy units' rows and bytes, in memory
 * between transitions), rates from the throughput tracker, ETA = remaining estimated rows / current rate.
 */
public final class JobStatusView {

  private final JobBoard board;
  private final ThroughputTracker throughput;

  public JobStatusView(JobBoard board, ThroughputTracker throughput) {
    this.board = board;
    this.throughput = throughput;
  }

  /** The full status of {@code GET /api/v1/jobs/{id}}. */
  public JsonObject status(JobRecord job, long now) {
    JsonObject json = summary(job, now);
    JsonArray failed = new JsonArray();
    for (WorkUnit u : board.tally(job.id()).failed()) {
      Slice s = u.slice();
      failed.add(new JsonObject().put("id", u.id()).put("tenant", s.tenantId()).put("table", s.table())
          .put("range", s.range() == null ? null : s.range().toString()).put("error", u.progress().error()));
    }
    json.put("failedUnits", failed);
    json.put("spec", new JsonObject(Json.encode(job.spec())));
    return json;
  }

  /** {@code GET /api/v1/jobs/{id}/throughput}: the job's rows/s and bytes/s in 5-second buckets. */
  public JsonObject throughputHistory(JobRecord job, long sinceMillis, long now) {
    JsonArray points = new JsonArray();
    for (ThroughputHistory.Point p : throughput.history().points(job.id(), sinceMillis, now)) {
      points.add(new JsonObject().put("at", java.time.Instant.ofEpochMilli(p.at()).toString())
          .put("rowsPerSecond", p.rowsPerSecond()).put("bytesPerSecond", p.bytesPerSecond()));
    }
    return new JsonObject().put("id", job.id()).put("bucketSeconds", ThroughputHistory.BUCKET_MILLIS / 1000)
        .put("points", points);
  }

  /**
   * The status without the spec and failed units: one entry of {@code GET /api/v1/jobs}. It reads the job's
   * {@link JobTally}, kept up to date as units change, so it costs the job's tables, not its units.
   */
  public JsonObject summary(JobRecord job, long now) {
    JobTally tally = board.tally(job.id());
    long rowsDone = tally.rowsDone();
    long rowsRejected = tally.rowsRejected();
    long rowsEstimated = tally.rowsEstimated();
    long bytesDone = tally.bytesDone();
    long bytesEstimated = tally.bytesEstimated();
    Long started = job.startedAt();
    long end = job.finishedAt() != null ? job.finishedAt() : now;
    double elapsedSeconds = started == null ? 0 : Math.max(0, end - started) / 1000.0;
    boolean running = job.state() == JobState.RUNNING;
    ThroughputTracker.Rate rate = running ? throughput.rate(job.id(), now) : ThroughputTracker.Rate.ZERO;
    Long eta = null;
    if (job.state() == JobState.SUCCEEDED) {
      eta = 0L;
    } else if (running && rate.rowsPerSecond() > 0) {
      eta = (long) Math.ceil(Math.max(0, rowsEstimated - rowsDone - rowsRejected) / rate.rowsPerSecond());
    }
    Map<UnitState, Long> counts = board.waitingCounts(job.id());
    JsonObject units = new JsonObject().put("total", counts.values().stream().mapToLong(Long::longValue).sum());
    for (UnitState s : UnitState.values()) {
      units.put(s.wireName(), counts.get(s));
    }
    units.put("held", board.held(job.id()));
    JsonArray tableArray = new JsonArray();
    tally.tables().forEach(t -> tableArray.add(table(t, TableProgress.seenIn(job.state(), job.scopeState(null, t.name())))));
    JsonArray scopes = new JsonArray();
    job.scopesOrNone().forEach(h -> scopes.add(new JsonObject().put("tenant", h.tenant()).put("table", h.table())
        .put("state", h.state().wireName())));
    return new JsonObject()
        .put("id", job.id())
        .put("name", job.name())
        .put("state", job.state().wireName())
        .put("phase", job.phase().wireName())
        .put("createdAt", iso(job.createdAt()))
        .put("startedAt", started == null ? null : iso(started))
        .put("finishedAt", job.finishedAt() == null ? null : iso(job.finishedAt()))
        .put("elapsedSeconds", elapsedSeconds)
        .put("rows", new JsonObject().put("done", rowsDone).put("estimated", rowsEstimated).put("rejected", rowsRejected))
        .put("bytes", new JsonObject().put("done", bytesDone).put("estimated", bytesEstimated))
        .put("throughput", new JsonObject()
            .put("rowsPerSecond", rate.rowsPerSecond())
            .put("bytesPerSecond", rate.bytesPerSecond())
            .put("averageRowsPerSecond", elapsedSeconds > 0 ? rowsDone / elapsedSeconds : 0.0)
            .put("averageBytesPerSecond", elapsedSeconds > 0 ? bytesDone / elapsedSeconds : 0.0))
        .put("etaSeconds", eta)
        .put("units", units)
        .put("tables", tableArray)
        .put("scopes", scopes)
        .put("verification", verification(tally.verification()))
        .put("error", job.error());
  }

  /** The verify units' summary; the report has the details. */
  private static JsonObject verification(Verification v) {
    return new JsonObject().put("verdict", v.verdict().wireName()).put("ranges", v.ranges()).put("verified", v.verified())
        .put("mismatched", v.mismatched()).put("differingKeys", v.differingKeys())
        .put("orphanedRows", v.checks() == null ? 0 : v.checks().orphanedRows());
  }

  private static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  /** One target table's progress across its tenants. */
  private static JsonObject table(JobTally.Table t, JobState jobState) {
    return TableProgress.json(t, t.failed(), t.prepare(), t.finish(), jobState);
  }
}
