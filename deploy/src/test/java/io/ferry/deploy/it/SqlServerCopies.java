package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL Server → SQL Server jobs as the cluster tests submit them, and what they check in the target: every
 * table equal to its source row for row (as multisets of exact values, {@link CrossEngineRows}), and the
 * job's checkpoints and record kept in the target's {@code ferry} schema.
 */
final class SqlServerCopies {

  private SqlServerCopies() {
  }

  /**
   * A job copying {@code tables} (schema.table) of one source database into {@code targetUrl}, same names.
   *
   * @param password the password of both sides as the spec carries it (a value or a reference)
   */
  static Map<String, Object> spec(String name, String mode, String tenant, String sourceUrl, String targetUrl,
      String password, List<String> tables) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("source", Map.of("engine", "sqlserver", "tenants",
        List.of(Map.of("id", tenant, "url", sourceUrl, "user", SqlServerConsolidationIT.USER, "password", password))));
    spec.put("target", Map.of("engine", "sqlserver", "url", targetUrl, "user", SqlServerConsolidationIT.USER,
        "password", password));
    spec.put("tables", Map.of("include", tables));
    spec.put("mode", mode);
    return spec;
  }

  /** Every table holds exactly the source's rows: each once, every value as the source has it. */
  static long assertTargetEqualsSource(Connection source, Connection target, List<String> tables, String as)
      throws SQLException {
    long rows = 0;
    for (String table : tables) {
      Map<String, Integer> expected = CrossEngineRows.source(source, table);
      Map<String, Integer> actual = CrossEngineRows.source(target, table);
      assertThat(actual).as(as + ": " + table + "\n" + CrossEngineRows.difference(expected, actual)).isEqualTo(expected);
      rows += expected.values().stream().mapToLong(Integer::longValue).sum();
    }
    return rows;
  }

  /** The rows the job's copy checkpoints count, and that every one of them is done. */
  static long checkpointRows(Connection target, String jobId) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(
        "SELECT COALESCE(SUM([rows]), 0), SUM(CASE WHEN done = 1 THEN 0 ELSE 1 END) FROM ferry.checkpoints"
            + " WHERE job_id = ? AND unit_id LIKE 'copy:%'")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(2)).as("checkpoints of %s not done", jobId).isZero();
        return rs.getLong(1);
      }
    }
  }

  /** The rows the job's copy checkpoints count per tenant/table ({@code copy:tenant:table:nnnn}). */
  static Map<String, Long> checkpointRowsByTenantTable(Connection target, String jobId) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement ps = target.prepareStatement(
        "SELECT unit_id, [rows] FROM ferry.checkpoints WHERE job_id = ? AND unit_id LIKE 'copy:%'")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] parts = rs.getString(1).split(":");
          out.merge(parts[1] + "/" + parts[2], rs.getLong(2), Long::sum);
        }
      }
    }
    return out;
  }

  /** Whether the coordinator's record of the job in the target says it succeeded. */
  static boolean recordedSucceeded(Connection target, String jobId) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement("SELECT body FROM ferry.jobs WHERE job_id = ?")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> bodies = new ArrayList<>();
        while (rs.next()) {
          bodies.add(rs.getString(1));
        }
        return bodies.size() == 1 && bodies.get(0).contains("\"succeeded\"");
      }
    }
  }
}
