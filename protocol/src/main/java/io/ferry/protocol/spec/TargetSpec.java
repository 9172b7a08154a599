package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the data lands. {@code schema}: every copied table lands in this schema (default: the source
 * table's own schema). {@code tenantColumn}: added to every target table and to its primary key.
 * {@code collations}: {@code map} (default) gives text columns the target collation that compares as the
 * source's did (SQL Server's case-insensitive collations become ICU nondeterministic ones), {@code default}
 * leaves them the target database's default collation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSpec(String engine, String url, String user, String password, String schema, String tenantColumn,
                         String collations) {

  /** {@code target.collations} values. */
  public static final String COLLATIONS_MAP = "map";
  public static final String COLLATIONS_DEFAULT = "default";

  public TargetSpec(String engine, String url, String user, String password, String schema, String tenantColumn) {
    this(engine, url, user, password, schema, tenantColumn, null);
  }

  /** Whether source collations are mapped to target ones (the default). */
  public boolean mapsCollations() {
    return collations == null || COLLATIONS_MAP.equals(collations);
  }

  public TargetSpec withoutSecrets() {
    return new TargetSpec(engine, url, user, Secret.redact(password), schema, tenantColumn, collations);
  }

  public Endpoint endpoint() {
    return new Endpoint(engine, url, user, password);
  }
}
