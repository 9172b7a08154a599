package io.ferry.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The coordinator's record in each target's {@code ferry} schema: jobs and units as JSON bodies, and
 * (read-only) the workers' checkpoints, in the SQL of the target's engine ({@link StoreSql}). Every method
 * blocks: call it from a Hazelcast partition thread (map store), the {@link UnitRecorder}'s thread or a
 * Vert.x blocking thread.
 */
public final class TargetStore implements AutoCloseable {

  /** A checkpoint row a worker marked done, with the unit's final totals. */
  public record DoneCheckpoint(String jobId, String unitId, long epoch, long rows, long bytes, long rejected) {
  }

  /** A row the target rejected ({@code ferry.rejects}); {@code rowKey} and {@code columns} are JSON arrays of text. */
  public record RejectedRow(String unitId, String tenantId, String table, String rowKey, String columns, String payload,
                            boolean payloadTruncated, String error, String sqlState, java.time.Instant rejectedAt) {
  }

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

  /** Work in a transaction on a target connection. */
  @FunctionalInterface
  private interface TransactionWork {
    void run(Connection connection, StoreSql sql) throws SQLException;
  }

  /** One row of a result set as a value. */
  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Units written to a target per batch execution while a job is recorded. */
  private static final int UNIT_BATCH = 1000;

  private final TargetRegistry registry;
  private final TargetConnections connections;
  /** Targets ({@link Target#connectionKey}) whose {@code ferry} schema this process has ensured. */
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

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

  /**
   * Creates the {@code ferry} schema and tables if missing, in one transaction (see {@link StoreSql#schema}),
   * once per target in this process: its dozen statements take catalog locks and tens of milliseconds
   * (docs/operations.md, "A job's fixed cost"), too much to pay for every job. A schema dropped since is found by the statement that needs it ({@link #insertJob} creates
   * it again); a restarted coordinator runs the DDL once more, with whatever it adds.
   */
  public void ensureSchema(Target target) throws SQLException {
    if (ensured.contains(target.connectionKey())) {
      return;
    }
    createSchema(target);
    ensured.add(target.connectionKey());
  }

  private void createSchema(Target target) throws SQLException {
    inTransaction(target, (c, sql) -> {
      try (Statement s = c.createStatement()) {
        for (String ddl : sql.schema()) {
          s.execute(ddl);
        }
      }
      c.commit();
    });
  }

  /**
   * Writes a new job and all its units in one transaction (a job is recorded whole or not at all), in the
   * {@code ferry} schema it ensures first ({@link #ensureSchema}), once
   * {@code admission} has let the job in, having seen every job recorded in the target. Admissions into
   * one target database are serialised by a lock held until the commit, so two coordinators cannot both
   * admit jobs that exclude each other.
   *
   * @throws Refused when the admission found problems (nothing is written)
   */
  public void insertJob(Target target, String jobId, String jobBody, Map<String, String> unitBodies, Admission admission)
      throws SQLException {
    ensureSchema(target);
    try {
      recordJob(target, jobId, jobBody, unitBodies, admission);
    } catch (SQLException e) {
      if (!schemaMissing(target, e)) {
        throw e;
      }
      // Dropped since this process ensured it (an operator's cleanup): the transaction wrote nothing.
      ensured.remove(target.connectionKey());
      ensureSchema(target);
      recordJob(target, jobId, jobBody, unitBodies, admission);
    }
  }

  private void recordJob(Target target, String jobId, String jobBody, Map<String, String> unitBodies, Admission admission)
      throws SQLException {
    inTransaction(target, (c, sql) -> {
      try (Statement st = c.createStatement()) {
        st.execute(sql.admissionLock());
        Map<String, String> recorded = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery(sql.allJobs())) {
          while (rs.next()) {
            recorded.put(rs.getString(1), rs.getString(2));
          }
        }
        List<String> problems = admission.problems(recorded);
        if (!problems.isEmpty()) {
          throw new Refused(problems);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.upsertJob())) {
        ps.setString(1, jobId);
        ps.setString(2, jobBody);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(sql.upsertUnit())) {
        int batch = 0;
        for (Map.Entry<String, String> e : unitBodies.entrySet()) {
          bindUnit(ps, jobId, e.getKey(), e.getValue());
          ps.addBatch();
          if (++batch % UNIT_BATCH == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    });
  }

  public void upsertJob(String jobId, String body) throws SQLException {
    inTransaction(targetOf(jobId), (c, sql) -> {
      try (PreparedStatement ps = c.prepareStatement(sql.upsertJob())) {
        ps.setString(1, jobId);
        ps.setString(2, body);
        ps.executeUpdate();
      }
      c.commit();
    });
  }

  /**
   * Records a unit's state in a transaction of its own, in one statement, that commits without waiting
   * for its log flush where the engine allows it for one transaction ({@link StoreSql#upsertUnitAndCommit}):
   * visible at once, durable at the next flush. Why that is enough, leases included, is in
   * {@link UnitMapStore#store}. One round trip on PostgreSQL, whose driver switches auto-commit without
   * one; mssql-jdbc sends each switch to the server.
   */
  public void upsertUnit(String jobId, String unitId, String body) throws SQLException {
    inTransaction(targetOf(jobId), (c, sql) -> {
      try (PreparedStatement ps = c.prepareStatement(sql.upsertUnitAndCommit())) {
        bindUnit(ps, jobId, unitId, body);
        ps.execute();
      }
    });
  }

  /**
   * Records several units' states of one job ({@code unitId → body}) in one transaction that commits
   * without waiting for its log flush where the engine allows it, as {@link #upsertUnit} does for one. One
   * state goes through {@link #upsertUnit}: a single round trip, where a batch takes three (the setting,
   * the rows, the commit).
   */
  public void upsertUnits(String jobId, Map<String, String> bodies) throws SQLException {
    if (bodies.size() == 1) {
      Map.Entry<String, String> only = bodies.entrySet().iterator().next();
      upsertUnit(jobId, only.getKey(), only.getValue());
      return;
    }
    inTransaction(targetOf(jobId), (c, sql) -> {
      try (Statement st = c.createStatement(); PreparedStatement ps = c.prepareStatement(sql.upsertUnit())) {
        for (String setting : sql.withoutFlush()) {
          st.execute(setting);
        }
        for (Map.Entry<String, String> e : bodies.entrySet()) {
          bindUnit(ps, jobId, e.getKey(), e.getValue());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
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
    for (Map.Entry<String, String> e : rowsOfJobs(target, jobIds, StoreSql::jobsIn,
        rs -> Map.entry(rs.getString(1), rs.getString(2)))) {
      bodies.put(e.getKey(), e.getValue());
    }
    return bodies;
  }

  /** Unit id → body for one job; {@code unitIds} null means every unit of the job. */
  public Map<String, String> units(String jobId, List<String> unitIds) throws SQLException {
    Target target = targetOf(jobId);
    StoreSql sql = target.sql();
    return connections.with(target, c -> {
      Map<String, String> bodies = new LinkedHashMap<>();
      if (unitIds == null) {
        try (PreparedStatement ps = c.prepareStatement(sql.unitsOfJob())) {
          ps.setString(1, jobId);
          readUnits(ps, bodies);
        }
        return bodies;
      }
      for (List<String> ids : chunks(unitIds, sql.maxIds())) {
        try (PreparedStatement ps = c.prepareStatement(sql.unitsOfJobIn(ids.size()))) {
          ps.setString(1, jobId);
          sql.bindIds(c, ps, 2, ids);
          readUnits(ps, bodies);
        }
      }
      return bodies;
    });
  }

  private static void readUnits(PreparedStatement ps, Map<String, String> bodies) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        bodies.put(rs.getString(1), rs.getString(2));
      }
    }
  }

  /** {@code jobId/unitId} of every stored unit of the given jobs of one target. */
  public List<String> unitKeys(Target target, List<String> jobIds) throws SQLException {
    return rowsOfJobs(target, jobIds, StoreSql::unitKeysIn, rs -> rs.getString(1) + "/" + rs.getString(2));
  }

  /**
   * {@code jobId/unitId} → epoch of every checkpoint of the given jobs of one target: a worker may have
   * taken a unit over with an epoch whose lease record was lost (see {@link UnitMapStore#store}).
   */
  public Map<String, Long> checkpointEpochs(Target target, List<String> jobIds) throws SQLException {
    Map<String, Long> epochs = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : rowsOfJobs(target, jobIds, StoreSql::checkpointEpochsIn,
        rs -> Map.entry(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3)))) {
      epochs.put(e.getKey(), e.getValue());
    }
    return epochs;
  }

  /** Checkpoints marked done for the given jobs of one target (see start-up reconciliation). */
  public List<DoneCheckpoint> doneCheckpoints(Target target, List<String> jobIds) throws SQLException {
    return rowsOfJobs(target, jobIds, StoreSql::doneCheckpointsIn,
        rs -> new DoneCheckpoint(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
  }

  /**
   * The first {@code limit} rows the target rejected for a job (oldest first), of one tenant and/or table
   * where they are not null; none when the target has no {@code ferry} schema.
   */
  public List<RejectedRow> rejects(String jobId, String tenant, String table, int limit) throws SQLException {
    Target target = targetOf(jobId);
    StoreSql sql = target.sql();
    return connections.with(target, c -> {
      List<RejectedRow> rows = new ArrayList<>();
      if (!schemaExists(c, sql)) {
        return rows;
      }
      try (PreparedStatement ps = c.prepareStatement(sql.rejects(tenant != null, table != null, limit))) {
        int i = 1;
        ps.setString(i++, jobId);
        if (tenant != null) {
          ps.setString(i++, tenant);
        }
        if (table != null) {
          ps.setString(i, table);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new RejectedRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getBoolean(7), rs.getString(8), rs.getString(9), sql.instant(rs, 10)));
          }
        }
      }
      return rows;
    });
  }

  /** A statement of the store whose parameters are the given number of job ids. */
  @FunctionalInterface
  private interface JobsStatement {
    String sql(StoreSql sql, int ids);
  }

  /**
   * The rows of {@code statement}, whose parameters are {@code jobIds}, read from a target's {@code ferry}
   * schema; none when the target has no such schema yet. The list is built inside the connection's work,
   * so a retry on a new connection starts it again.
   */
  private <T> List<T> rowsOfJobs(Target target, List<String> jobIds, JobsStatement statement, RowMapper<T> mapper)
      throws SQLException {
    StoreSql sql = target.sql();
    return connections.with(target, c -> {
      List<T> rows = new ArrayList<>();
      if (jobIds.isEmpty() || !schemaExists(c, sql)) {
        return rows;
      }
      for (List<String> ids : chunks(jobIds, sql.maxIds())) {
        try (PreparedStatement ps = c.prepareStatement(statement.sql(sql, ids.size()))) {
          sql.bindIds(c, ps, 1, ids);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(mapper.map(rs));
            }
          }
        }
      }
      return rows;
    });
  }

  /**
   * Whether {@code failure} came from a missing {@code ferry} schema. The tables are looked up rather than
   * the error trusted: SQL Server says 208, Babelfish a generic number.
   */
  private boolean schemaMissing(Target target, SQLException failure) {
    try {
      return !connections.with(target, c -> schemaExists(c, target.sql()));
    } catch (SQLException e) {
      failure.addSuppressed(e);
      return false;
    }
  }

  private static boolean schemaExists(Connection c, StoreSql sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.schemaExists())) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /**
   * Runs {@code work} with auto-commit off, rolls back when it fails and leaves auto-commit on; the work
   * commits what it wrote.
   */
  private void inTransaction(Target target, TransactionWork work) throws SQLException {
    StoreSql sql = target.sql();
    connections.with(target, c -> {
      c.setAutoCommit(false);
      try {
        work.run(c, sql);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      return null;
    });
  }

  private static void bindUnit(PreparedStatement ps, String jobId, String unitId, String body) throws SQLException {
    ps.setString(1, jobId);
    ps.setString(2, unitId);
    ps.setString(3, body);
  }

  private static List<List<String>> chunks(List<String> ids, int size) {
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += size) {
      chunks.add(ids.subList(from, Math.min(ids.size(), from + size)));
    }
    return chunks;
  }

  @Override
  public void close() {
    connections.close();
  }
}
