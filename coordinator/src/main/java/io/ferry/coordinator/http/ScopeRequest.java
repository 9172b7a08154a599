package io.ferry.coordinator.http;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.Scope;
import io.ferry.protocol.plan.TablePlan;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The optional body of {@code POST /api/v1/jobs/{id}/pause|resume|cancel}: {@code {"tenant": "a", "table":
 * "app.orders"}}, either or both, to act on that tenant, table or tenant's table only. No body (or an empty
 * one) acts on the whole job. Every problem at once, the names checked against the job's plans.
 */
final class ScopeRequest {

  private static final List<String> FIELDS = List.of("tenant", "table");
  private static final String EXAMPLE = "{\"tenant\": \"district_1\", \"table\": \"public.orders\"}";

  private ScopeRequest() {
  }

  /** The scope the body names, null for the whole job. */
  static Scope read(String body, JobRecord job, String action) {
    if (body == null || body.isBlank()) {
      return null;
    }
    String title = "invalid " + action;
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiException(400, title, List.of("the body must be a JSON object like " + EXAMPLE + ", or absent for the whole job"));
    }
    if (json.isEmpty()) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        problems.add(field + ": unknown field (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    String tenant = text(json, "tenant", problems);
    String table = text(json, "table", problems);
    if (problems.isEmpty() && tenant == null && table == null) {
      problems.add("name a tenant, a table or both, e.g. " + EXAMPLE + ", or send no body for the whole job");
    }
    if (problems.isEmpty()) {
      checkNames(job, tenant, table, problems);
    }
    if (!problems.isEmpty()) {
      throw new ApiException(400, title, problems);
    }
    return new Scope(tenant, table);
  }

  private static String text(JsonObject json, String field, List<String> problems) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      problems.add(field + ": a non-empty string" + (field.equals("table") ? " (schema.table, as the job's target table)" : ""));
      return null;
    }
    return s;
  }

  private static void checkNames(JobRecord job, String tenant, String table, List<String> problems) {
    Set<String> tenants = new LinkedHashSet<>();
    Set<String> tables = new LinkedHashSet<>();
    boolean pair = false;
    for (TablePlan p : job.plans()) {
      if (p.tenantId() != null) {
        tenants.add(p.tenantId());
      }
      tables.add(p.targetTable());
      pair |= Objects.equals(p.tenantId(), tenant) && p.targetTable().equals(table);
    }
    if (tenant != null && !tenants.contains(tenant)) {
      problems.add("tenant '" + tenant + "' is not a tenant of job " + job.id() + "; its tenants: "
          + (tenants.isEmpty() ? "none (the job names no tenant)" : String.join(", ", tenants)));
    }
    if (table != null && !tables.contains(table)) {
      problems.add("table '" + table + "' is not a target table of job " + job.id() + "; its tables: " + String.join(", ", tables));
    }
    if (problems.isEmpty() && tenant != null && table != null && !pair) {
      problems.add("tenant '" + tenant + "' has no table '" + table + "' in job " + job.id());
    }
  }
}
