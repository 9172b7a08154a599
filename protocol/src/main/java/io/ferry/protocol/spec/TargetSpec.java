package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Where the data lands. {@code schema}: every copied table lands in this schema (default: the source
 * table's own schema). {@code tenantColumn}: added to every target table and to its primary key.
 * {@code keys}: {@code composite} (default; tenant column and source key) or {@code uuid} (a UUID v5 of
 * tenant, table and source key as the new key, foreign keys rewritten alike). {@code uuidColumn}: the
 * name of that key's column (default {@link #DEFAULT_UUID_COLUMN}).
 * {@code identifiers}: how source names are named on the target, an {@link IdentifierStyle} wire name
 * (default: the source engine's, see {@code docs/job-spec.md}). {@code columnTypes}: target types that
 * replace the mapped ones, by source column pattern {@code schema.table.column} ({@code *} matches any run
 * of characters within its part); the first matching entry wins.
 * {@code collations}: {@code map} (default) gives text columns the target collation that compares as the
 * source's did (SQL Server's case-insensitive collations become ICU nondeterministic ones), {@code default}
 * leaves them the target database's default collation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSpec(String engine, String url, String user, String password, String schema, String tenantColumn,
                         String keys, String uuidColumn, String identifiers, Map<String, String> columnTypes,
                         String collations) {

  public static final String COMPOSITE_KEYS = "composite";
  public static final String UUID_KEYS = "uuid";
  public static final String DEFAULT_UUID_COLUMN = "uuid";
  /** {@code target.collations} values. */
  public static final String COLLATIONS_MAP = "map";
  public static final String COLLATIONS_DEFAULT = "default";

  /** A target with composite keys, names in the source engine's style, the mapped types and collations. */
  public TargetSpec(String engine, String url, String user, String password, String schema, String tenantColumn) {
    this(engine, url, user, password, schema, tenantColumn, null, null, null, null, null);
  }

  public TargetSpec withoutSecrets() {
    return new TargetSpec(engine, url, user, Secret.redact(password), schema, tenantColumn, keys, uuidColumn,
        identifiers, columnTypes, collations);
  }

  public Endpoint endpoint() {
    return new Endpoint(engine, url, user, password);
  }

  /** Whether rows get a UUID key ({@code keys: uuid}). */
  public boolean uuidKeys() {
    return UUID_KEYS.equals(keys);
  }

  public String uuidColumnOrDefault() {
    return uuidColumn == null || uuidColumn.isBlank() ? DEFAULT_UUID_COLUMN : uuidColumn;
  }

  /** The style the spec asks for, or {@code sourceDefault} when it names none. */
  public IdentifierStyle identifiersOr(IdentifierStyle sourceDefault) {
    return identifiers == null ? sourceDefault : IdentifierStyle.fromWire(identifiers);
  }

  public Map<String, String> columnTypesOrNone() {
    return columnTypes == null ? Map.of() : columnTypes;
  }

  /** Whether source collations are mapped to target ones (the default). */
  public boolean mapsCollations() {
    return collations == null || COLLATIONS_MAP.equals(collations);
  }
}
