package io.ferry.coordinator.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.WorkUnit;
import java.util.Objects;

/**
 * A tenant, a target table or one tenant's table of a job that is {@code paused} or {@code cancelled} while
 * the rest of the job runs: none of its table units is handed out. Kept in the job's record, so a restarted
 * coordinator holds it back too. A null tenant or table means every one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScopeState(String tenant, String table, JobState state) {

  /** Whether it covers the unit: a table unit of the tenant and table (a rollback or restore never). */
  public boolean covers(WorkUnit unit) {
    if (UnitScope.of(unit) == UnitScope.JOB || unit.kind() == UnitKind.ROLLBACK || unit.kind() == UnitKind.RESTORE) {
      return false;
    }
    return (tenant == null || tenant.equals(unit.slice().tenantId())) && (table == null || table.equals(unit.slice().table()));
  }

  /** Whether it covers the tenant's share of the table (a grid cell; tenant null: the whole table). */
  public boolean covers(String cellTenant, String cellTable) {
    return (tenant == null || tenant.equals(cellTenant)) && (table == null || table.equals(cellTable));
  }

  public boolean sameScope(String otherTenant, String otherTable) {
    return Objects.equals(tenant, otherTenant) && Objects.equals(table, otherTable);
  }

  /** "tenant a, table app.orders", as messages name the scope. */
  public String describe() {
    return describe(tenant, table);
  }

  public static String describe(String tenant, String table) {
    return tenant == null ? "table " + table : table == null ? "tenant " + tenant : "tenant " + tenant + ", table " + table;
  }
}
