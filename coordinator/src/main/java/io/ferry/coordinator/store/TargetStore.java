package io.ferry.coordinator.store;

import io.ferry.protocol.CheckpointSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of the coordinator's record in each target's {@code ferry} schema: jobs and units as JSON
 * bodies, and (read-only) the workers' checkpoints. Every method blocks: call it from a Hazelcast
 * partition thread (map store), the {@link UnitRecorder}'s thread or a Vert.x blocking thread.
 */
public final class TargetStore implements AutoCloseable {

  /** A checkpoint row a worker marked done, with the unit's final totals. */
  public record DoneCheckpoint(String jobId, String unitId, long epoch, long rows, long bytes, long rejected) {
  }

  private static final String UPSERT_JOB = """
      INSERT INTO ferry.jobs (job_id, body, updated_at) VALUES (?, ?, now())
      ON CONFLICT (job_id) DO UPDATE SET body = excluded.body, updated_at = now()""";
  private static final String UPSERT_UNIT = """
      INSERT INTO ferry.units (job_id, unit_id, body, updated_at) VALUES (?, ?, ?, now())
      ON CONFLICT (job_id, unit_id) DO UPDATE SET body = excluded.body, updated_at = now()""";
  /** {@link #UPSERT_UNIT} in a transaction of its own that commits without waiting for its WAL flush, in one round trip. */
  static final String UPSERT_UNIT_WITHOUT_FLUSH = "SET LOCAL synchronous_commit = off; " + UPSERT_UNIT + "; COMMIT";

  /**
   * Decides, inside the transaction that would record a new job, whether the jobs already recorded in
   * the same target (by any coordinator) let it in: the problems that refuse it, or none.
   */
  @FunctionalInterface
  public interface Admission {
    List<String> problems(Map<String, String> recordedJobBodies);
  }

  /** A job the {@link Admission} refused; nothing was written. */
  public static final class Refused extends RuntimeException {
    private final List<String> problems;

    public Refused(List<String> problems) {
      super(String.join("; ", problems), null, false, false);
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** Any fixed number shared by all coordinators: serialises admitting jobs into one target database. */
  private static final long ADMISSION_LOCK = 0x466572726AL;

  private final TargetRegistry registry;
  private final TargetConnections connections;

  public TargetStore(TargetRegistry registry, TargetConnections connections) {
    this.registry = registry;
    this.connections = connections;
  }

  public TargetRegistry registry() {
    return registry;
  }

  /** The target of a job, or an exception naming the job (its store cannot work without one). */
  public Target targetOf(String jobId) {
    Target target = registry.target(jobId);
    if (target == null) {
      throw new IllegalStateException("job " + jobId + " has no known target database (not in "
          + TargetRegistry.FILE_NAME + ", or its literal password was lost in a coordinator restart)");
    }
    return target;
  }

  /** Checks that the coordinator can connect to a target (dry runs). */
  public void check(Target target) throws SQLException {
    connections.check(target);
  }

  /** Creates the {@code ferry} schema and tables if missing, in one transaction (see {@link CheckpointSchema}). */
  public void ensureSchema(Target target) throws SQLException {
    connections.with(target, c -> {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String ddl : CheckpointSchema.POSTGRESQL) {
          s.execute(ddl);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      return null;
    });
  }

  /**
   * Writes a new job and all its units in one transaction (a job is recorded whole or not at all), once
   * {@code admission} has let the job in, having seen every job recorded in the target. Admissions into one target database are serialised by an
   * advisory lock held until the commit, so two coordinators cannot both admit jobs that exclude each
   * other.
   *
   * @throws Refused when the admission found problems (nothing is written)
   */
  public void insertJob(Target target, String jobId, String jobBody, Map<String, String> unitBodies, Admission admission)
      throws SQLException {
    connections.with(target, c -> {
      c.setAutoCommit(false);
      try {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_xact_lock(" + ADMISSION_LOCK + ")");
          Map<String, String> recorded = new LinkedHashMap<>();
          try (ResultSet rs = st.executeQuery("SELECT job_id, body FROM ferry.jobs ORDER BY job_id")) {
            while (rs.next()) {
              recorded.put(rs.getString(1), rs.getString(2));
            }
          }
          List<String> problems = admission.problems(recorded);
          if (!problems.isEmpty()) {
            throw new Refused(problems);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_JOB)) {
          ps.setString(1, jobId);
          ps.setString(2, jobBody);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_UNIT)) {
          int batch = 0;
          for (Map.Entry<String, String> e : unitBodies.entrySet()) {
            ps.setString(1, jobId);
            ps.setString(2, e.getKey());
            ps.setString(3, e.getValue());
            ps.addBatch();
            if (++batch % 1000 == 0) {
              ps.executeBatch();
            }
          }
          ps.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      return null;
    });
  }

  public void upsertJob(String jobId, String body) throws SQLException {
    connections.with(targetOf(jobId), c -> {
      try (PreparedStatement ps = c.prepareStatement(UPSERT_JOB)) {
        ps.setString(1, jobId);
        ps.setString(2, body);
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Records a unit's state in a transaction of its own that commits without waiting for its WAL flush
   * ({@code synchronous_commit = off} for it only): visible at once, durable at the next flush. Why that
   * is enough, leases included, is in {@link UnitMapStore#store}.
   */
  public void upsertUnit(String jobId, String unitId, String body) throws SQLException {
    connections.with(targetOf(jobId), c -> {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(UPSERT_UNIT_WITHOUT_FLUSH)) {
        ps.setString(1, jobId);
        ps.setString(2, unitId);
        ps.setString(3, body);
        return ps.executeUpdate();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  /**
   * Records several units' states of one job ({@code unitId → body}) in one transaction that commits
   * without waiting for its WAL flush, as {@link #upsertUnit} does for one. One state goes through
   * {@link #upsertUnit}: a single round trip, where a batch takes three (the setting, the rows, the commit).
   */
  public void upsertUnits(String jobId, Map<String, String> bodies) throws SQLException {
    if (bodies.size() == 1) {
      Map.Entry<String, String> only = bodies.entrySet().iterator().next();
      upsertUnit(jobId, only.getKey(), only.getValue());
      return;
    }
    connections.with(targetOf(jobId), c -> {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement(); PreparedStatement ps = c.prepareStatement(UPSERT_UNIT)) {
        st.execute("SET LOCAL synchronous_commit = off");
        for (Map.Entry<String, String> e : bodies.entrySet()) {
          ps.setString(1, jobId);
          ps.setString(2, e.getKey());
          ps.setString(3, e.getValue());
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
        return null;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  public void deleteJob(String jobId) throws SQLException {
    connections.with(targetOf(jobId), c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry.jobs WHERE job_id = ?")) {
        ps.setString(1, jobId);
        return ps.executeUpdate();
      }
    });
  }

  public void deleteUnit(String jobId, String unitId) throws SQLException {
    connections.with(targetOf(jobId), c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry.units WHERE job_id = ? AND unit_id = ?")) {
        ps.setString(1, jobId);
        ps.setString(2, unitId);
        return ps.executeUpdate();
      }
    });
  }

  /** Job id → body for the given jobs of one target. */
  public Map<String, String> jobs(Target target, List<String> jobIds) throws SQLException {
    Map<String, String> bodies = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : rowsOfJobs(target, jobIds, "SELECT job_id, body FROM ferry.jobs WHERE job_id = ANY (?)",
        rs -> Map.entry(rs.getString(1), rs.getString(2)))) {
      bodies.put(e.getKey(), e.getValue());
    }
    return bodies;
  }

  /** Unit id → body for one job; {@code unitIds} null means every unit of the job. */
  public Map<String, String> units(String jobId, List<String> unitIds) throws SQLException {
    return connections.with(targetOf(jobId), c -> {
      Map<String, String> bodies = new LinkedHashMap<>();
      String sql = "SELECT unit_id, body FROM ferry.units WHERE job_id = ?" + (unitIds == null ? "" : " AND unit_id = ANY (?)");
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, jobId);
        if (unitIds != null) {
          ps.setArray(2, c.createArrayOf("text", unitIds.toArray()));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            bodies.put(rs.getString(1), rs.getString(2));
          }
        }
      }
      return bodies;
    });
  }

  /** {@code jobId/unitId} of every stored unit of the given jobs of one target. */
  public List<String> unitKeys(Target target, List<String> jobIds) throws SQLException {
    return rowsOfJobs(target, jobIds, "SELECT job_id, unit_id FROM ferry.units WHERE job_id = ANY (?)",
        rs -> rs.getString(1) + "/" + rs.getString(2));
  }

  /**
   * {@code jobId/unitId} → epoch of every checkpoint of the given jobs of one target: a worker may have
   * taken a unit over with an epoch whose lease record was lost (see {@link UnitMapStore#store}).
   */
  public Map<String, Long> checkpointEpochs(Target target, List<String> jobIds) throws SQLException {
    Map<String, Long> epochs = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : rowsOfJobs(target, jobIds,
        "SELECT job_id, unit_id, epoch FROM ferry.checkpoints WHERE job_id = ANY (?)",
        rs -> Map.entry(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3)))) {
      epochs.put(e.getKey(), e.getValue());
    }
    return epochs;
  }

  /** Checkpoints marked done for the given jobs of one target (see start-up reconciliation). */
  public List<DoneCheckpoint> doneCheckpoints(Target target, List<String> jobIds) throws SQLException {
    // rejected through to_jsonb: a ferry schema an older Ferry created has no such column until a worker adds it.
    return rowsOfJobs(target, jobIds, "SELECT job_id, unit_id, epoch, rows, bytes,"
        + " coalesce((to_jsonb(cp) ->> 'rejected')::bigint, 0) FROM ferry.checkpoints cp WHERE done AND job_id = ANY (?)",
        rs -> new DoneCheckpoint(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
  }

  /** One row of a result set as a value. */
  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /**
   * The rows of {@code sql}, whose one parameter is the array of {@code jobIds}, read from a target's
   * {@code ferry} schema; none when the target has no such schema yet. The list is built inside the
   * connection's work, so a retry on a new connection starts it again.
   */
  private <T> List<T> rowsOfJobs(Target target, List<String> jobIds, String sql, RowMapper<T> mapper) throws SQLException {
    return connections.with(target, c -> {
      List<T> rows = new ArrayList<>();
      if (!schemaExists(c)) {
        return rows;
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setArray(1, c.createArrayOf("text", jobIds.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(mapper.map(rs));
          }
        }
      }
      return rows;
    });
  }

  private static boolean schemaExists(Connection c) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(
        "SELECT to_regclass('ferry.jobs') IS NOT NULL AND to_regclass('ferry.units') IS NOT NULL"
            + " AND to_regclass('ferry.checkpoints') IS NOT NULL")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  @Override
  public void close() {
    connections.close();
  }
}
