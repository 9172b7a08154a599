package io.ferry.deploy.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a target database's {@code ferry} schema says about a job, read directly (the record, not the API). */
final class TargetProbe {

  private final TestPostgres pg;

  TargetProbe(TestPostgres pg) {
    this.pg = pg;
  }

  /** Waits until at least {@code atLeast} copy units of the job have a done checkpoint. */
  void awaitCommittedCopyUnits(String target, String job, int atLeast, Duration limit) throws Exception {
    Poll.untilTrue(atLeast + " copy units of " + job + " committed", limit, () -> {
      try (Connection t = pg.connect(target)) {
        return long1(t, "SELECT count(*) FROM ferry.checkpoints WHERE job_id = ? AND unit_id LIKE 'copy:%' AND done", job)
            >= atLeast;
      } catch (SQLException notYet) {
        return false; // the ferry schema appears with the job
      }
    });
  }

  /** The rows all of the job's checkpoints count. */
  long checkpointRows(String target, String job) throws SQLException {
    try (Connection t = pg.connect(target)) {
      return long1(t, "SELECT coalesce(sum(rows), 0) FROM ferry.checkpoints WHERE job_id = ?", job);
    }
  }

  /** The epoch on a unit's checkpoint (0 without one). */
  long epoch(String target, String job, String unitId) throws SQLException {
    try (Connection t = pg.connect(target)) {
      return long1(t, "SELECT coalesce(max(epoch), 0) FROM ferry.checkpoints WHERE job_id = ? AND unit_id = '"
          + unitId.replace("'", "''") + "'", job);
    }
  }

  /** Whether a unit's checkpoint says done. */
  boolean done(String target, String job, String unitId) throws SQLException {
    try (Connection t = pg.connect(target); PreparedStatement ps = t.prepareStatement(
        "SELECT coalesce(bool_or(done), false) FROM ferry.checkpoints WHERE job_id = ? AND unit_id = ?")) {
      ps.setString(1, job);
      ps.setString(2, unitId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Checkpoint rows of the job's copy units per {@code tenant/source table}. */
  Map<String, Long> checkpointRowsByTenantTable(String target, String job) throws Exception {
    Map<String, Long> rows = new HashMap<>();
    try (Connection t = pg.connect(target); PreparedStatement ps = t.prepareStatement(
        "SELECT u.body, c.rows FROM ferry.checkpoints c JOIN ferry.units u USING (job_id, unit_id)"
            + " WHERE c.job_id = ? AND c.unit_id LIKE 'copy:%'")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JsonNode unit = Json.mapper().readTree(rs.getString(1));
          rows.merge(unit.path("tenantId").asText() + "/" + unit.path("sourceTable").asText(), rs.getLong(2), Long::sum);
        }
      }
    }
    return rows;
  }

  /** Ends every session on these databases, as a server restart would; returns how many there were. */
  int terminateBackends(List<String> databases) throws SQLException {
    try (Connection c = pg.connect("postgres");
         PreparedStatement st = c.prepareStatement("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
             + "FROM pg_stat_activity WHERE datname = ANY (?) AND pid <> pg_backend_pid()")) {
      st.setArray(1, c.createArrayOf("text", databases.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  static boolean tableExists(Connection c, String schema, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = ?")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 1;
      }
    }
  }

  private static long long1(Connection c, String sql, String job) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
