package io.ferry.coordinator.job;

import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.JdbcUrl;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Refuses a job that would write what an unfinished job already writes. Two jobs copying the same
 * tenant's rows into one target table both commit every range — duplicates that only the finish step's
 * primary key would catch, after the copy — and a job whose prepare creates, drops or truncates a table
 * destroys what another job is writing into it.
 *
 * <p>Jobs writing different tenants into one table under a tenant column do not overlap (consolidating
 * tenants in batches is a normal way to run Ferry), unless either job's mode rebuilds the table.
 *
 * <p>The check covers the jobs this coordinator knows, and (when the job is recorded, in the same target
 * transaction) the unfinished jobs any other coordinator recorded in the same target database. Targets
 * are compared by host, port and database as written in their URLs: two spellings of one server (a name
 * and its address) are not recognized among the jobs of one coordinator; jobs recorded in the target
 * itself are in the same database by construction.
 */
public final class TargetOverlap {

  private static final Set<Mode> REBUILDS = Set.of(Mode.CREATE, Mode.DROP_RECREATE, Mode.TRUNCATE);

  /**
   * What one job writes: its target database, its mode, whether a tenant column keeps its tenants' rows
   * apart, and its table plans (target table and tenant each).
   */
  public record Writes(String jobId, String target, Mode mode, boolean tenantColumn, List<TablePlan> plans) {

    /** The same writes, known to go to {@code target} (a job recorded in that target database itself). */
    public Writes in(String target) {
      return new Writes(jobId, target, mode, tenantColumn, plans);
    }

    public static Writes of(String jobId, JobSpec spec, List<TablePlan> plans) {
      String column = spec.target().tenantColumn();
      return new Writes(jobId, targetKey(spec.target().url()), spec.mode() == null ? Mode.CREATE : spec.mode(),
          column != null && !column.isBlank(), plans == null ? List.of() : plans);
    }
  }

  private TargetOverlap() {
  }

  /** Every overlap of {@code job} with the {@code others}, one line each; empty when there is none. */
  public static List<String> problems(Writes job, Collection<Writes> others) {
    return problems(job, others, "");
  }

  /** As {@link #problems(Writes, Collection)}, each line ending with {@code note}. */
  public static List<String> problems(Writes job, Collection<Writes> others, String note) {
    List<String> problems = new ArrayList<>();
    for (Writes other : others) {
      if (other.jobId().equals(job.jobId()) || !other.target().equals(job.target())) {
        continue;
      }
      Set<String> tables = new LinkedHashSet<>();
      for (TablePlan mine : job.plans()) {
        for (TablePlan theirs : other.plans()) {
          if (mine.targetTable().equalsIgnoreCase(theirs.targetTable()) && clash(job, mine, other, theirs)) {
            tables.add(mine.targetTable());
          }
        }
      }
      if (!tables.isEmpty()) {
        problems.add("job " + other.jobId() + " (not finished) writes " + String.join(", ", tables)
            + " in the same target database" + why(job, other) + ": wait for it to finish, cancel it, or write to another "
            + "target schema" + note);
      }
    }
    return problems;
  }

  private static boolean clash(Writes a, TablePlan ap, Writes b, TablePlan bp) {
    if (REBUILDS.contains(a.mode()) || REBUILDS.contains(b.mode())) {
      return true;
    }
    // Both only add rows: they overlap only where they copy the same tenant, or no tenant column keeps them apart.
    return !a.tenantColumn() || !b.tenantColumn() || ap.tenantId() == null || ap.tenantId().equals(bp.tenantId());
  }

  private static String why(Writes job, Writes other) {
    if (REBUILDS.contains(job.mode())) {
      return ", and mode " + job.mode().wireName() + " would rebuild a table that job is copying into";
    }
    if (REBUILDS.contains(other.mode())) {
      return ", and that job's mode " + other.mode().wireName() + " rebuilds it";
    }
    return " for the same tenant(s): both would copy the same rows";
  }

  /** host:port/database ({@link JdbcUrl#location}); the URL itself when it has another form. */
  static String targetKey(String url) {
    String written = url == null ? "" : url.strip();
    return JdbcUrl.parse(written).map(JdbcUrl::location).orElse(written);
  }
}
