package io.ferry.coordinator.job;

import io.ferry.protocol.spec.IdentifierStyle;
import io.ferry.protocol.spec.JdbcUrl;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Limits;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.protocol.spec.UnitSize;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a job spec that {@code SpecReader} could read, and lists <em>every</em> problem at once: a user
 * fixing a spec should not discover its mistakes one submission at a time. Problems name the field
 * ({@code source.tenants[2].url}) and never repeat a password.
 */
public final class SpecValidator {

  public static final String SUPPORTED_ENGINE = "postgresql";
  /** Engines a worker reads; every one is also a known engine. */
  private static final Set<String> SOURCE_ENGINES = Set.of("postgresql", "sqlserver");
  /** Engines a worker writes; every one is also a known engine. */
  private static final Set<String> TARGET_ENGINES = Set.of("postgresql", "sqlserver");
  /** What each target engine takes from: a SQL Server target, SQL Server sources only (types are copied as they are). */
  private static final java.util.Map<String, Set<String>> SOURCES_OF_TARGET = java.util.Map.of(
      "postgresql", Set.of("postgresql", "sqlserver"), "sqlserver", Set.of("sqlserver"));
  private static final Set<String> KNOWN_ENGINES = Set.of("postgresql", "sqlserver");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");
  private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,63}");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,63}");
  /** A secret put into a JDBC URL's parameters would be stored and shown with the URL. */
  private static final Pattern URL_SECRET = Pattern.compile("(?i)[?&;](ssl)?password=");
  private static final Pattern TABLE_PATTERN = Pattern.compile("[A-Za-z0-9_$ *]+\\.[A-Za-z0-9_$ *]+");

  private SpecValidator() {
  }

  public static List<String> validate(JobSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.name() == null || spec.name().isBlank()) {
      problems.add("name is required: letters, digits, '-' and '_', at most 63 characters");
    } else if (!NAME.matcher(spec.name()).matches()) {
      problems.add("name '" + spec.name() + "' is not valid: use letters, digits, '-' and '_', at most 63 characters");
    }
    String sourceEngine = source(spec.source(), problems);
    String targetEngine = target(spec.target(), spec.source(), problems);
    if (sourceEngine != null && targetEngine != null && !SOURCES_OF_TARGET.get(targetEngine).contains(sourceEngine)) {
      problems.add("target.engine '" + targetEngine + "' cannot take a " + sourceEngine + " source: a " + targetEngine
          + " target takes " + String.join(" or ", SOURCES_OF_TARGET.get(targetEngine).stream().sorted().toList()) + " sources");
    }
    if (spec.mode() == null && sourceEngine != null && sourceEngine.equals(targetEngine)) {
      problems.add("mode is required when source and target are both " + sourceEngine + ": one of " + Mode.names()
          + " (" + modeDescriptions() + ")");
    }
    if (spec.mode() == Mode.VERIFY && spec.verify() == io.ferry.protocol.spec.Verify.NONE) {
      problems.add("verify is none but mode is verify: a job of mode verify only compares source and target;"
          + " set verify to full or sample (or leave it out)");
    }
    if (spec.mode() == Mode.VERIFY && spec.onRowError() != null) {
      problems.add("onRowError does not apply to mode verify, which writes no row: leave it out");
    }
    tables(spec, problems);
    unit(spec.unit(), problems);
    problems.addAll(limits(spec.limits()));
    return problems;
  }

  /** Every problem of a job's limits (also used for PATCH); an absent limit is no limit. */
  public static List<String> limits(Limits limits) {
    List<String> problems = new ArrayList<>();
    if (limits == null) {
      return problems;
    }
    positive("limits.rowsPerSecond", limits.rowsPerSecond(), problems);
    positive("limits.bytesPerSecond", limits.bytesPerSecond(), problems);
    positive("limits.maxUnits", limits.maxUnits(), problems);
    positive("limits.maxUnitsPerSource", limits.maxUnitsPerSource(), problems);
    return problems;
  }

  private static void positive(String field, Number value, List<String> problems) {
    if (value != null && value.longValue() <= 0) {
      problems.add(field + " must be greater than 0, or absent for no limit (got " + value + ")");
    }
  }

  static String modeDescriptions() {
    List<String> parts = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      parts.add(mode.wireName() + ": " + mode.description());
    }
    return String.join("; ", parts);
  }

  /** @return the source engine when it is a supported one, else null */
  private static String source(SourceSpec source, List<String> problems) {
    if (source == null) {
      problems.add("source is required: {engine, tenants: [{id, url, user, password}, …]}");
      return null;
    }
    String engine = engine("source.engine", source.engine(), SOURCE_ENGINES, problems);
    if (source.tenants() == null || source.tenants().isEmpty()) {
      problems.add("source.tenants is required: list at least one tenant {id, url, user, password}");
      return engine;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < source.tenants().size(); i++) {
      String at = "source.tenants[" + i + "]";
      TenantSpec tenant = source.tenants().get(i);
      if (tenant == null) {
        problems.add(at + " is empty: expected {id, url, user, password}");
        continue;
      }
      if (tenant.id() == null || tenant.id().isBlank()) {
        problems.add(at + ".id is required");
      } else if (!TENANT_ID.matcher(tenant.id()).matches()) {
        problems.add(at + ".id '" + tenant.id() + "' is not valid: use letters, digits, '_', '.', '-', at most 63 characters");
      } else if (!seen.add(tenant.id())) {
        problems.add(at + ".id '" + tenant.id() + "' is used by another tenant: tenant ids must be unique");
      }
      url(at + ".url", tenant.url(), engine, problems);
      if (tenant.user() == null || tenant.user().isBlank()) {
        problems.add(at + ".user is required");
      }
      password(at + ".password", tenant.password(), problems);
    }
    return engine;
  }

  private static String target(TargetSpec target, SourceSpec source, List<String> problems) {
    if (target == null) {
      problems.add("target is required: {engine, url, user, password, schema, tenantColumn, identifiers, columnTypes}");
      return null;
    }
    String engine = engine("target.engine", target.engine(), TARGET_ENGINES, problems);
    url("target.url", target.url(), engine, problems);
    if (target.user() == null || target.user().isBlank()) {
      problems.add("target.user is required");
    }
    password("target.password", target.password(), problems);
    boolean manyTenants = source != null && source.tenants() != null && source.tenants().size() > 1;
    if (manyTenants && (target.tenantColumn() == null || target.tenantColumn().isBlank())) {
      problems.add("target.tenantColumn is required with more than one tenant: it keeps the tenants' rows apart in the target (e.g. tenant_id)");
    } else if (target.tenantColumn() != null && !IDENTIFIER.matcher(target.tenantColumn()).matches()) {
      problems.add("target.tenantColumn '" + target.tenantColumn() + "' is not a valid identifier: use letters, digits and '_', at most 63 characters");
    }
    if (target.schema() != null && !IDENTIFIER.matcher(target.schema()).matches()) {
      problems.add("target.schema '" + target.schema() + "' is not a valid identifier: use letters, digits and '_', at most 63 characters");
    }
    keys(target, source, problems);
    if (target.identifiers() != null && !IdentifierStyle.names().contains(target.identifiers())) {
      problems.add("target.identifiers '" + target.identifiers() + "' is not an identifier style: use one of "
          + String.join(", ", IdentifierStyle.names()) + " (default: snake_case from SQL Server, preserve from PostgreSQL)");
    }
    ColumnTypeChecks.check(target.columnTypesOrNone(), engine, problems);
    if (target.collations() != null && !Set.of(TargetSpec.COLLATIONS_MAP, TargetSpec.COLLATIONS_DEFAULT).contains(target.collations())) {
      problems.add("target.collations '" + target.collations() + "' is not valid: map (text columns compare as on the source,"
          + " e.g. case-insensitively) or default (the target database's default collation)");
    }
    return engine;
  }

  /**
   * {@code target.keys}: {@code composite} or {@code uuid}. UUIDs are computed as a SQL Server source's rows
   * are encoded; a PostgreSQL source's rows pass through undecoded, so it cannot have them.
   */
  private static void keys(TargetSpec target, SourceSpec source, List<String> problems) {
    String keys = target.keys();
    if (keys != null && !keys.equals(TargetSpec.COMPOSITE_KEYS) && !keys.equals(TargetSpec.UUID_KEYS)) {
      problems.add("target.keys '" + keys + "' is not one of composite (the tenant column and the source key, the"
          + " default) or uuid (a UUID v5 of tenant, table and source key)");
    }
    if (target.uuidKeys() && source != null && source.engine() != null
        && !source.engine().toLowerCase(Locale.ROOT).equals("sqlserver")) {
      problems.add("target.keys: uuid needs source.engine sqlserver: a " + source.engine() + " source's rows are"
          + " copied undecoded, so Ferry cannot compute their UUIDs");
    }
    if (target.uuidKeys() && target.engine() != null && target.engine().toLowerCase(Locale.ROOT).equals("sqlserver")) {
      problems.add("target.keys: uuid needs target.engine postgresql: a SQL Server target keeps the source's keys"
          + " (use target.keys: composite)");
    }
    if (target.uuidColumn() != null) {
      if (!target.uuidKeys()) {
        problems.add("target.uuidColumn is set but target.keys is not uuid: set target.keys: uuid or remove it");
      } else if (!IDENTIFIER.matcher(target.uuidColumn()).matches()) {
        problems.add("target.uuidColumn '" + target.uuidColumn() + "' is not a valid identifier: use letters, digits"
            + " and '_', at most 63 characters");
      } else if (target.uuidColumn().equals(target.tenantColumn())) {
        problems.add("target.uuidColumn and target.tenantColumn are both '" + target.uuidColumn() + "': choose two names");
      }
    }
  }

  private static String engine(String field, String engine, Set<String> supported, List<String> problems) {
    String choices = String.join(" or ", new TreeSet<>(supported));
    if (engine == null || engine.isBlank()) {
      problems.add(field + " is required: " + choices);
      return null;
    }
    String normalized = engine.toLowerCase(Locale.ROOT);
    if (supported.contains(normalized)) {
      return normalized;
    }
    if (KNOWN_ENGINES.contains(normalized)) {
      problems.add(field + " '" + engine + "' is not supported yet by this version of Ferry: use " + choices);
    } else {
      problems.add(field + " '" + engine + "' is unknown: use " + choices);
    }
    return null;
  }

  /** The URL must name the engine it is read or written with (PostgreSQL's when the engine is not valid). */
  private static void url(String field, String url, String engine, List<String> problems) {
    String expected = engine == null ? SUPPORTED_ENGINE : engine;
    String example = expected.equals("sqlserver") ? "jdbc:sqlserver://host:1433;databaseName=database"
        : "jdbc:" + expected + "://host:5432/database";
    if (url == null || url.isBlank()) {
      problems.add(field + " is required, e.g. " + example);
    } else if (!JdbcUrl.parse(url).map(u -> u.engine().equals(expected)).orElse(false)) {
      problems.add(field + " must start with jdbc:" + expected + ": (e.g. " + example + ")");
    }
    if (url != null && URL_SECRET.matcher(url).find()) {
      // The URL is kept in the job's record and shown by the API; the message must not repeat it.
      problems.add(field + " holds a password parameter: remove it from the URL and give it in the password field "
          + "beside it, ideally as ${env:NAME} or ${file:/path}, which is never stored");
    }
  }

  /** A value that starts like a reference but is not one is almost certainly a typo, not a password. */
  private static void password(String field, String password, List<String> problems) {
    if (password != null && password.startsWith("${") && !Secret.isReference(password)) {
      problems.add(field + " looks like a reference but is malformed: use ${env:NAME} or ${file:/path/to/file}");
    }
  }

  private static void tables(JobSpec spec, List<String> problems) {
    if (spec.tables() == null) {
      return;
    }
    patterns("tables.include", spec.tables().include(), problems);
    patterns("tables.exclude", spec.tables().exclude(), problems);
  }

  private static void patterns(String field, List<String> patterns, List<String> problems) {
    if (patterns == null) {
      return;
    }
    for (int i = 0; i < patterns.size(); i++) {
      String p = patterns.get(i);
      if (p == null || !TABLE_PATTERN.matcher(p).matches()) {
        problems.add(field + "[" + i + "] '" + p + "' is not a table pattern: write schema.table using letters, digits, '_', '$', spaces and '*' (e.g. public.*)");
      }
    }
  }

  private static void unit(UnitSize unit, List<String> problems) {
    if (unit == null) {
      return;
    }
    if (unit.rows() != null && unit.rows() <= 0) {
      problems.add("unit.rows must be greater than 0 (default " + UnitSize.DEFAULT_ROWS + ")");
    }
    if (unit.bytes() != null && unit.bytes() <= 0) {
      problems.add("unit.bytes must be greater than 0 (default " + UnitSize.DEFAULT_BYTES + ")");
    }
  }
}
