package io.ferry.coordinator.progress;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.Verification;
import io.ferry.coordinator.schedule.JobTally;
import io.ferry.coordinator.schedule.TenantTable;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.unit.WorkUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's reconciliation report, built from its units alone (as its {@link JobTally} sums them): per tenant and table, the rows copied and
 * rejected (copy units, or the job-level verify unit's count of {@code ferry.rejects} where it ran), the
 * rows counted on source and target and the keys that differ (verify units' findings), the rows whose
 * foreign key references a missing row (the job-level verify unit), and one verdict for the job
 * ({@link Verification}). The JSON of
 * {@code GET /api/v1/jobs/{id}/report}; its HTML page and the CLI's text and CSV are renderings of it.
 */
public final class JobReport {

  /** Differences a table lists in the report; its count covers the rest. */
  public static final int MAX_LISTED_PER_TABLE = 1000;

  private JobReport() {
  }

  /** The report of these units, counted afresh. */
  public static JsonObject of(JobRecord job, Collection<WorkUnit> units) {
    return of(job, JobTally.of(units));
  }

  /** The report from the job's tally: it costs the job's tenant tables and the differences it lists, not the job's units. */
  public static JsonObject of(JobRecord job, JobTally tally) {
    // Sorted by tenant and table, each table's ranges in unit order: the same report from any coordinator.
    Map<String, Table> tables = new TreeMap<>();
    int copyRanges = 0;
    Verification.Rejected rejected = Verification.Rejected.of(tally.rejectedCopies());
    for (TenantTable share : tally.tenantTables()) {
      if (share.reported()) {
        copyRanges += share.copyRanges();
        tables.put(share.tenant() + "\n" + share.table(), new Table(share, rejected));
      }
    }
    Verification verification = tally.verification();
    VerifyFindings checks = verification.checks() == null ? null : verification.checks().findings();
    if (checks != null) {
      checks.rejected().forEach(r -> table(tables, r.tenantId(), r.table()).rejectedOnTarget = r.rows());
      checks.orphans().forEach(o -> table(tables, o.tenantId(), o.table()).orphaned(o));
    }
    boolean copies = copyRanges > 0;
    // Fewer verify units than copied ranges: a sample (a job of mode verify copies nothing and compares all its ranges).
    boolean sample = copies && verification.ranges() > 0 && verification.ranges() < copyRanges;
    JsonArray tableArray = new JsonArray();
    JsonObject totals = new JsonObject();
    long[] sums = new long[8];
    for (Table t : tables.values()) {
      tableArray.add(t.toJson(copies));
      sums[0] += t.sourceRows;
      sums[1] += t.targetRows;
      sums[2] += t.ranges(copies);
      sums[3] += t.verified;
      sums[4] += t.mismatched;
      sums[5] += t.differingKeys;
      sums[6] += t.rejectedRows();
      sums[7] += t.orphanedRows;
    }
    totals.put("sourceRows", sums[0]).put("targetRows", sums[1]).put("ranges", sums[2]).put("rangesVerified", sums[3])
        .put("rangesMismatched", sums[4]).put("differingKeys", sums[5]).put("rejectedRows", sums[6])
        .put("orphanedRows", sums[7]);
    return new JsonObject()
        .put("job", job.id())
        .put("name", job.name())
        .put("state", job.state().wireName())
        .put("mode", job.spec() == null || job.spec().mode() == null ? null : job.spec().mode().wireName())
        .put("verdict", verification.verdict().wireName())
        .put("scope", scope(verification, copyRanges, sample))
        .put("sample", sample)
        .put("checks", checks(verification))
        .put("totals", totals)
        .put("tables", tableArray);
  }

  private static Table table(Map<String, Table> tables, String tenant, String table) {
    return tables.computeIfAbsent(tenant + "\n" + table, k -> new Table(tenant, table));
  }

  /** What the job-level verify unit checked (its scope), or why it says nothing. */
  private static String checks(Verification v) {
    if (v.checks() == null) {
      return v.ranges() == 0 ? "not verified"
          : "not planned: rejected rows from the copy units' counts, foreign-key orphans not checked";
    }
    return v.checks().done() ? v.checks().findings().scope() : "not run yet";
  }

  private static String scope(Verification v, int copyRanges, boolean sample) {
    if (v.ranges() == 0 && v.checks() == null) {
      return "not verified";
    }
    return sample ? "sample: " + v.ranges() + " of " + copyRanges + " copied ranges" : "every range";
  }

  /** One tenant's table. */
  private static final class Table {
    final String tenant;
    final String table;
    final String sourceTable;
    int copyRanges;
    long copiedRows;
    long rejected;
    int verifyRanges;
    int verified;
    int mismatched;
    long sourceRows;
    long targetRows;
    long differingKeys;
    final List<JsonObject> differences = new ArrayList<>();
    int repairs;
    int repairsDone;
    int repairsWhole;
    long repairedRows;
    /** Rows of the table in {@code ferry.rejects}, counted by the job-level verify unit; null where it did not run. */
    Long rejectedOnTarget;
    long orphanedRows;
    final List<JsonObject> orphans = new ArrayList<>();

    /** A table the job-level verify unit names, without units of its own. */
    Table(String tenant, String table) {
      this.tenant = tenant;
      this.table = table;
      this.sourceTable = null;
    }

    /** @param rejected rows the target rejected per compared range: missing by design, not differences */
    Table(TenantTable share, Verification.Rejected rejected) {
      this.tenant = share.tenant();
      this.table = share.table();
      this.sourceTable = share.sourceTable();
      copyRanges = share.copyRanges();
      copiedRows = share.copiedRows();
      this.rejected = share.rejectedRows();
      repairs = share.repairs();
      repairsDone = share.repairsDone();
      repairsWhole = share.repairsWhole();
      repairedRows = share.repairedRows();
      verifyRanges = share.verifyRanges();
      verified = share.verified();
      sourceRows = share.sourceRows();
      targetRows = share.targetRows();
      for (WorkUnit u : share.unclean()) {
        mismatched(u, rejected.in(u));
      }
    }

    private void mismatched(WorkUnit u, long rejectedRows) {
      VerifyFindings f = u.progress().findings();
      if (Verification.clean(f, rejectedRows)) {
        return;
      }
      differingKeys += f.differenceCount();
      mismatched++;
      for (VerifyFindings.Difference d : f.differences()) {
        if (differences.size() < MAX_LISTED_PER_TABLE) {
          differences.add(new JsonObject().put("kind", d.kind().wireName()).put("key", new JsonArray(d.key()))
              .put("columns", new JsonArray(d.columns())).put("range", u.slice().range() == null ? null : u.slice().range().toString()));
        }
      }
    }

    void orphaned(VerifyFindings.Orphans o) {
      orphanedRows += o.rows();
      JsonArray keys = new JsonArray();
      o.keys().forEach(k -> keys.add(new JsonArray(k)));
      orphans.add(new JsonObject().put("foreignKey", o.foreignKey()).put("referencedTable", o.referencedTable())
          .put("rows", o.rows()).put("keys", keys));
    }

    long rejectedRows() {
      return rejectedOnTarget != null ? rejectedOnTarget : rejected;
    }

    int ranges(boolean copies) {
      return copies ? copyRanges : verifyRanges;
    }

    String verdict() {
      if (mismatched > 0 || orphanedRows > 0) {
        return Verification.Verdict.DIFFERENCES.wireName();
      }
      if (verifyRanges == 0) {
        return Verification.Verdict.NOT_VERIFIED.wireName();
      }
      return verified == verifyRanges ? Verification.Verdict.CLEAN.wireName() : Verification.Verdict.INCOMPLETE.wireName();
    }

    JsonObject toJson(boolean copies) {
      return new JsonObject()
          .put("tenant", tenant)
          .put("table", table)
          .put("sourceTable", sourceTable)
          .put("copiedRows", copiedRows)
          .put("sourceRows", sourceRows)
          .put("targetRows", targetRows)
          .put("ranges", ranges(copies))
          .put("rangesToVerify", verifyRanges)
          .put("rangesVerified", verified)
          .put("rangesMismatched", mismatched)
          .put("differingKeys", differingKeys)
          .put("differencesListed", differences.size())
          .put("rejectedRows", rejectedRows())
          .put("orphanedRows", orphanedRows)
          .put("verdict", verdict())
          .put("repairs", new JsonObject().put("ranges", repairs).put("done", repairsDone)
              .put("wholeRanges", repairsWhole).put("rowsCopied", repairedRows))
          .put("differences", new JsonArray(new ArrayList<>(differences)))
          .put("orphans", new JsonArray(new ArrayList<>(orphans)));
    }
  }
}
