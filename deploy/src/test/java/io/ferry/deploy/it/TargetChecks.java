package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.Json;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.verify.TableChecksum;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every cluster test checks after a job: the target equals the sources, and each unit committed once. */
final class TargetChecks {

  private final TestPostgres sources;
  private final TestPostgres targetServer;
  private final Map<String, String> tenantDatabases;
  private final String targetDatabase;
  private final String targetSchema;
  private final String tenantColumn;

  TargetChecks(TestPostgres pg, Map<String, String> tenantDatabases, String targetDatabase, String targetSchema,
      String tenantColumn) {
    this(pg, tenantDatabases, pg, targetDatabase, targetSchema, tenantColumn);
  }

  /** The sources' databases on {@code sources}, the target database on {@code targetServer}. */
  TargetChecks(TestPostgres sources, Map<String, String> tenantDatabases, TestPostgres targetServer, String targetDatabase,
      String targetSchema, String tenantColumn) {
    this.sources = sources;
    this.targetServer = targetServer;
    this.tenantDatabases = tenantDatabases;
    this.targetDatabase = targetDatabase;
    this.targetSchema = targetSchema;
    this.tenantColumn = tenantColumn;
  }

  /**
   * Every table, tenant by tenant: same row count and order-independent checksum over all columns; and
   * no target row beyond the sources' rows. Returns the total row count.
   */
  long assertTargetEqualsSources(List<String> tables) throws SQLException {
    long sourceRows = 0;
    long targetRows = 0;
    try (Connection target = targetServer.connect(targetDatabase)) {
      for (var tenant : tenantDatabases.entrySet()) {
        try (Connection source = sources.connect(tenant.getValue())) {
          for (String table : tables) {
            List<String> columns = TableChecksum.listColumns(source, table);
            String targetTable = targetSchema + "." + table.substring(table.indexOf('.') + 1);
            TableChecksum.Result expected = TableChecksum.compute(source, table, columns, null, null);
            TableChecksum.Result actual = TableChecksum.compute(target, targetTable, columns, tenantColumn, tenant.getKey());
            assertThat(actual).as("%s of tenant %s", table, tenant.getKey()).isEqualTo(expected);
            sourceRows += expected.rows();
          }
        }
      }
      for (String table : tables) {
        String name = table.substring(table.indexOf('.') + 1).replace("\"", "\"\"");
        targetRows += count(target, "SELECT count(*) FROM \"" + targetSchema + "\".\"" + name + "\"");
      }
    }
    assertThat(targetRows).as("no target row beyond the sources' rows").isEqualTo(sourceRows);
    return sourceRows;
  }

  /** Every unit of the job has one checkpoint, done; per tenant table the copy checkpoints add up to the source. */
  List<WorkUnit> assertEveryUnitCommittedOnce(String jobId, List<String> tables) throws SQLException {
    List<WorkUnit> units = new ArrayList<>();
    Map<String, Long> checkpointRows = new HashMap<>();
    Map<String, Boolean> checkpointDone = new HashMap<>();
    try (Connection target = targetServer.connect(targetDatabase)) {
      try (PreparedStatement ps = target.prepareStatement("SELECT body FROM ferry.units WHERE job_id = ?")) {
        ps.setString(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            units.add(Json.decode(rs.getString(1), WorkUnit.class));
          }
        }
      }
      try (PreparedStatement ps = target.prepareStatement("SELECT unit_id, rows, done FROM ferry.checkpoints WHERE job_id = ?")) {
        ps.setString(1, jobId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            checkpointRows.put(rs.getString(1), rs.getLong(2));
            checkpointDone.put(rs.getString(1), rs.getBoolean(3));
          }
        }
      }
    }
    assertThat(units).isNotEmpty();
    Map<String, Long> rowsByTenantTable = new HashMap<>();
    Map<String, Long> rowsByTenant = new HashMap<>();
    for (WorkUnit unit : units) {
      if (unit.kind() == UnitKind.VERIFY) {
        // A verify unit writes nothing to the target: what it found is in its own record, not in a checkpoint.
        continue;
      }
      assertThat(checkpointDone.get(unit.id())).as("checkpoint of %s", unit.id()).isTrue();
      if (unit.kind() == UnitKind.COPY) {
        rowsByTenantTable.merge(unit.slice().tenantId() + "/" + unit.slice().sourceTable(), checkpointRows.get(unit.id()), Long::sum);
        rowsByTenant.merge(unit.slice().tenantId(), checkpointRows.get(unit.id()), Long::sum);
      }
    }
    for (var tenant : tenantDatabases.entrySet()) {
      long tenantRows = 0;
      try (Connection source = sources.connect(tenant.getValue())) {
        for (String table : tables) {
          long rows = count(source, "SELECT count(*) FROM " + quoted(table));
          tenantRows += rows;
          // A partitioned table's rows are copied by its leaf partitions' units, counted in the total below.
          Long copied = rowsByTenantTable.get(tenant.getKey() + "/" + table);
          if (copied != null || rows > 0 && !partitioned(source, table)) {
            assertThat(copied).as("checkpoint rows of %s/%s", tenant.getKey(), table).isEqualTo(rows);
          }
        }
      }
      assertThat(rowsByTenant.getOrDefault(tenant.getKey(), 0L)).as("checkpoint rows of tenant %s", tenant.getKey())
          .isEqualTo(tenantRows);
    }
    return units;
  }

  /** {@code "schema"."table"} for a {@code schema.table} name (split at the first dot). */
  static String quoted(String table) {
    int dot = table.indexOf('.');
    return "\"" + table.substring(0, dot).replace("\"", "\"\"") + "\".\"" + table.substring(dot + 1).replace("\"", "\"\"") + "\"";
  }

  private static boolean partitioned(Connection source, String table) throws SQLException {
    return count(source, "SELECT count(*) FROM pg_class WHERE oid = '" + quoted(table).replace("'", "''") + "'::regclass AND relkind = 'p'") > 0;
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
