package io.ferry.worker.verify;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.worker.Dialects;
import io.ferry.worker.dialect.ForeignKey;
import io.ferry.worker.dialect.OrphanSql;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.pool.ConnectionPools;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job-level verify unit (a slice without a table): what no range's unit sees, read from the target
 * alone. The rows the target rejected during the copy ({@code ferry.rejects}), per tenant and table; and
 * the orphans of every foreign key among the job's tables as the target's catalog has them: rows whose
 * referenced row does not exist, per tenant, table and key, each key checked by one set-based statement
 * ({@link OrphanSql}).
 */
public final class JobChecks {

  /** Orphans listed per foreign key, over all tenants; the counts cover the rest. */
  static final int MAX_KEYS = VerifyFindings.MAX_LISTED;

  private JobChecks() {
  }

  public static VerifyFindings run(Assignment assignment, ConnectionPools connections) throws SQLException {
    TargetDialect dialect = Dialects.target(assignment.target().engine());
    try (Connection target = connections.target(dialect, assignment.target())) {
      // Copy units created the schema; ensuring it keeps a job that copied nothing from failing here.
      dialect.checkpoints().ensureSchema(target);
      List<VerifyFindings.TableRows> rejected = dialect.checkpoints().rejectedRows(target, assignment.unit().jobId());
      List<TableName> tables = assignment.tables().stream().map(TableName::parse).toList();
      List<ForeignKey> keys = dialect.foreignKeysAmong(target, tables);
      List<VerifyFindings.Orphans> orphans = new ArrayList<>();
      for (ForeignKey fk : keys) {
        orphans.addAll(orphans(target, dialect, fk, assignment.tenantColumn(), assignment.plan().tenantId(), MAX_KEYS));
      }
      if (!target.getAutoCommit()) {
        target.rollback();
      }
      return VerifyFindings.jobChecks(scope(tables.size(), keys.size()), rejected, orphans);
    }
  }

  /** What the unit checked: its scope names the foreign keys it followed, or that there were none. */
  static String scope(int tables, int keys) {
    String orphans = keys == 0
        ? "foreign-key orphans not checked: the target has no foreign key among the job's " + tables + " table(s)"
        : "foreign-key orphans of " + keys + " foreign key(s) among the job's " + tables + " table(s)";
    return "rows the target rejected; " + orphans;
  }

  /**
   * The orphans of one foreign key, per tenant in tenant order.
   *
   * @param soleTenant the job's tenant, for a job without a tenant column (its rows are all that tenant's)
   * @param maxKeys    orphans listed, over all tenants
   */
  public static List<VerifyFindings.Orphans> orphans(Connection target, TargetDialect dialect, ForeignKey fk,
      String tenantColumn, String soleTenant, int maxKeys) throws SQLException {
    int keyColumns = OrphanSql.listed(fk, tenantColumn).size();
    Map<String, Tenant> byTenant = new LinkedHashMap<>();
    try (Statement st = target.createStatement();
         ResultSet rs = st.executeQuery(dialect.orphansSql(fk, tenantColumn, maxKeys))) {
      while (rs.next()) {
        String tenant = tenantColumn == null ? soleTenant : rs.getString(1);
        Tenant t = byTenant.computeIfAbsent(tenant, k -> new Tenant());
        t.rows = rs.getLong(2);
        if (rs.getLong(3) <= maxKeys) {
          List<String> key = new ArrayList<>(keyColumns);
          for (int i = 0; i < keyColumns; i++) {
            key.add(rs.getString(4 + i));
          }
          t.keys.add(key);
        }
      }
    }
    List<VerifyFindings.Orphans> out = new ArrayList<>();
    byTenant.forEach((tenant, t) -> out.add(new VerifyFindings.Orphans(tenant, fk.table().toString(), fk.name(),
        fk.referencedTable().toString(), t.rows, t.keys)));
    return out;
  }

  private static final class Tenant {
    long rows;
    final List<List<String>> keys = new ArrayList<>();
  }
}
