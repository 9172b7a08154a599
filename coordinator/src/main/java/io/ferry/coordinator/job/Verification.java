package io.ferry.coordinator.job;

import com.fasterxml.jackson.annotation.JsonValue;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a job's verify units found, summed: the job's one verdict, and the reason it failed when it is
 * not clean.
 *
 * @param ranges        range verify units of the job (the job-level unit not counted)
 * @param verified      those done with findings
 * @param mismatched    those whose findings are not clean
 * @param differingKeys every differing key the done units found
 * @param tables        tenant tables ({@code tenant/table}) with a range that is not clean
 * @param checks        what the job-level verify unit ({@link UnitPlanner#JOB_VERIFY_ID}) found; null when the job
 *                      has none
 */
public record Verification(int ranges, int verified, int mismatched, long differingKeys, Set<String> tables,
                           JobChecks checks) {

  /** The job's one verdict. */
  public enum Verdict {
    /** Every range compared equal, and no row is orphaned. */
    CLEAN,
    /** Some range differs, or some row's foreign key references a row that does not exist. */
    DIFFERENCES,
    /** The job has no verify unit. */
    NOT_VERIFIED,
    /** Some verify unit has not (or not successfully) compared its range yet, and none differs so far. */
    INCOMPLETE;

    @JsonValue
    public String wireName() {
      return this == INCOMPLETE ? "verification incomplete" : name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * The job-level verify unit's answer.
   *
   * @param findings     what it found; null while it has not run (or failed)
   * @param orphanedRows rows whose foreign key references a missing row, every tenant and table
   * @param foreignKeys  foreign keys ({@code table.key}) with such rows
   */
  public record JobChecks(VerifyFindings findings, long orphanedRows, Set<String> foreignKeys) {

    static JobChecks of(WorkUnit unit) {
      VerifyFindings f = unit.state() == UnitState.DONE ? unit.progress().findings() : null;
      if (f == null) {
        return new JobChecks(null, 0, Set.of());
      }
      Set<String> keys = new LinkedHashSet<>();
      long rows = 0;
      for (VerifyFindings.Orphans o : f.orphans()) {
        rows += o.rows();
        keys.add(o.table() + "." + o.foreignKey());
      }
      return new JobChecks(f, rows, Set.copyOf(keys));
    }

    public boolean done() {
      return findings != null;
    }
  }

  public static Verification of(Collection<WorkUnit> units) {
    int ranges = 0;
    int verified = 0;
    List<WorkUnit> unclean = new ArrayList<>();
    List<WorkUnit> rejectedCopies = new ArrayList<>();
    WorkUnit jobChecks = null;
    for (WorkUnit u : units) {
      if (u.kind() == UnitKind.COPY && u.progress().rejected() > 0) {
        rejectedCopies.add(u);
      }
      if (u.kind() != UnitKind.VERIFY) {
        continue;
      }
      if (UnitScope.of(u) == UnitScope.JOB) {
        jobChecks = u;
        continue;
      }
      ranges++;
      if (verifiedWith(u) != null) {
        verified++;
        if (!verifiedWith(u).clean()) {
          unclean.add(u);
        }
      }
    }
    return of(ranges, verified, unclean, jobChecks, rejectedCopies);
  }

  /** A range verify unit's findings once it is done; null before. */
  public static VerifyFindings verifiedWith(WorkUnit verify) {
    return verify.state() == UnitState.DONE ? verify.progress().findings() : null;
  }

  /**
   * The summary from what it depends on, for a caller that keeps these up to date instead of going
   * through every unit of the job.
   *
   * @param ranges         the job's range verify units
   * @param verified       those {@link #verifiedWith done with findings}
   * @param unclean        those whose findings are not clean by themselves (rejected rows may explain them)
   * @param jobChecks      the job-level verify unit; null when the job has none
   * @param rejectedCopies the job's copy units that recorded rejected rows
   */
  public static Verification of(int ranges, int verified, Collection<WorkUnit> unclean, WorkUnit jobChecks,
      Collection<WorkUnit> rejectedCopies) {
    int mismatched = 0;
    long keys = 0;
    Set<String> tables = new LinkedHashSet<>();
    Rejected rejected = Rejected.of(rejectedCopies);
    for (WorkUnit u : unclean) {
      VerifyFindings f = u.progress().findings();
      if (!clean(f, rejected.in(u))) {
        mismatched++;
        keys += f.differenceCount();
        tables.add(u.slice().tenantId() + "/" + u.slice().table());
      }
    }
    return new Verification(ranges, verified, mismatched, keys, Set.copyOf(tables),
        jobChecks == null ? null : JobChecks.of(jobChecks));
  }

  /** The job-level verify unit of {@code units}; null when there is none. */
  static WorkUnit jobChecks(Collection<WorkUnit> units) {
    for (WorkUnit u : units) {
      if (u.kind() == UnitKind.VERIFY && UnitScope.of(u) == UnitScope.JOB) {
        return u;
      }
    }
    return null;
  }

  /**
   * Whether a range compared equal but for the rows the target rejected during its copy ({@code ferry.rejects},
   * counted by the copy units): exactly that many keys missing on the target and nothing else.
   */
  public static boolean clean(VerifyFindings f, long rejectedRows) {
    if (f.clean()) {
      return true;
    }
    return rejectedRows > 0 && f.sourceRows() - f.targetRows() == rejectedRows && f.differenceCount() == rejectedRows
        && f.differences().stream().allMatch(d -> d.kind() == VerifyFindings.Kind.MISSING);
  }

  /** The rows the target rejected in the copied ranges each verify unit compares. */
  public static final class Rejected {

    private final Map<String, Long> byRange = new HashMap<>();
    private final Map<String, Long> byTable = new HashMap<>();

    public static Rejected of(Collection<WorkUnit> units) {
      Rejected r = new Rejected();
      for (WorkUnit u : units) {
        if (u.kind() == UnitKind.COPY && u.progress().rejected() > 0) {
          r.byRange.merge(table(u) + "\n" + u.slice().range(), u.progress().rejected(), Long::sum);
          if (u.slice().range() == null || !u.slice().range().nullKeys()) {
            r.byTable.merge(table(u), u.progress().rejected(), Long::sum);
          }
        }
      }
      return r;
    }

    /** Rows rejected in what {@code verify} compares: its range, or every bounded range of a whole-table unit. */
    public long in(WorkUnit verify) {
      if (byTable.isEmpty()) {
        return 0;
      }
      return KeyRange.ALL.equals(verify.slice().range()) ? byTable.getOrDefault(table(verify), 0L)
          : byRange.getOrDefault(table(verify) + "\n" + verify.slice().range(), 0L);
    }

    private static String table(WorkUnit u) {
      return u.slice().tenantId() + "\n" + u.slice().table();
    }
  }

  public Verdict verdict() {
    if (ranges == 0 && checks == null) {
      return Verdict.NOT_VERIFIED;
    }
    if (mismatched > 0 || checks != null && checks.orphanedRows() > 0) {
      return Verdict.DIFFERENCES;
    }
    return verified == ranges && (checks == null || checks.done()) ? Verdict.CLEAN : Verdict.INCOMPLETE;
  }

  /** Why a job whose verify units are all done did not succeed; null when it is clean. */
  public String failure() {
    return switch (verdict()) {
      case CLEAN, NOT_VERIFIED -> null;
      case INCOMPLETE -> {
        List<String> missing = new ArrayList<>();
        if (verified < ranges) {
          missing.add((ranges - verified) + " of " + ranges + " range(s) were not compared");
        }
        if (checks != null && !checks.done()) {
          missing.add("the job's checks (rejected rows, foreign-key orphans) did not run");
        }
        yield "verification is incomplete: " + String.join("; ", missing) + " (see the job's report)";
      }
      case DIFFERENCES -> {
        List<String> found = new ArrayList<>();
        if (mismatched > 0) {
          found.add(differingKeys > 0 ? plural(differingKeys, "differing key") + " in " + plural(tables.size(), "table")
              : "different row counts in " + plural(tables.size(), "table"));
        }
        if (checks != null && checks.orphanedRows() > 0) {
          found.add(plural(checks.orphanedRows(), "orphaned row") + " of " + plural(checks.foreignKeys().size(), "foreign key"));
        }
        yield "verification found " + String.join(" and ", found) + " (see the job's report)";
      }
    };
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
