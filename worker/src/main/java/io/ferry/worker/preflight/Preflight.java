package io.ferry.worker.preflight;

import io.ferry.protocol.ConnectionFailure;
import io.ferry.protocol.message.PreflightReply;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.plan.UuidColumn;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.spec.TableSelection;
import io.ferry.protocol.spec.TenantSpec;
import io.ferry.worker.Dialects;
import io.ferry.worker.Failures;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.ExistingTable;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourcePartition;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.dialect.TargetState;
import io.ferry.worker.dialect.TenantColumn;
import io.ferry.worker.dialect.TypeMapping;
import io.ferry.worker.dialect.UuidKeys;
import io.ferry.worker.pool.ConnectionPools;
import io.ferry.worker.pool.LentConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every connection of a job and surveys its tables into table plans. Blocking: runs on a
 * worker thread. Problems are collected, never thrown, so one reply lists all of them at once.
 */
public final class Preflight {

  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

  private final ConnectionPools connections;

  /** Every connection opened for the run and closed after it (tools and tests). */
  public Preflight() {
    this(ConnectionPools.unpooled());
  }

  /**
   * Connections from the worker's pools, never waiting for the units' (see {@link ConnectionPools#sourceBeside}):
   * a warm session answers catalog queries much sooner than a new one (seconds sooner on some servers).
   */
  public Preflight(ConnectionPools connections) {
    this.connections = connections;
  }

  /** One run's state: the spec's decisions and what has been found so far. */
  private static final class Run {
    final JobSpec spec;
    final Mode mode;
    final String tenantColumn;
    final List<TablePlan> plans = new ArrayList<>();
    final Set<String> problems = new LinkedHashSet<>();
    final Map<TableName, TargetState> targetStates = new HashMap<>();
    /** The tenant's tables described ahead (see {@link SourceDialect#describeAll}), each taken when planned. */
    Map<TableName, SourceDialect.Described> described = new HashMap<>();
    /** Existing target tables that mode create refuses, reported together (tenants share target tables). */
    final Set<String> createConflicts = new LinkedHashSet<>();
    Connection target;
    /** Who the target database is (see {@link TargetDialect#databaseIdentity}), null when unknown. */
    String targetIdentity;
    /** The tenant being surveyed is the target database itself (the guard refuses tables copied onto themselves). */
    boolean sameDatabase;
    /** With {@code target.keys: uuid}: decides each table's UUID columns; else null. */
    final UuidPlanner uuids;
    final TargetNames names;
    final ColumnTypeOverrides overrides;
    /**
     * Per target schema and source schema (the target prefixes the names of tables from another schema with
     * it): the source's index and constraint names ({@code schema.name}) → their names on the target.
     */
    final Map<String, Map<String, String>> objectNames = new LinkedHashMap<>();

    Run(JobSpec spec, SourceDialect source) {
      this.spec = spec;
      this.mode = spec.mode() == null ? Mode.CREATE : spec.mode();
      this.tenantColumn = TenantColumn.of(spec.target().tenantColumn()).name();
      this.uuids = spec.target().uuidKeys() ? new UuidPlanner(spec.target().uuidColumnOrDefault()) : null;
      this.names = new TargetNames(spec.target().identifiersOr(source.defaultIdentifiers()), spec.target().schema());
      this.overrides = new ColumnTypeOverrides(spec.target().columnTypesOrNone());
    }
  }

  public PreflightReply run(JobSpec spec) {
    if (spec == null || spec.source() == null || spec.source().tenants() == null || spec.source().tenants().isEmpty()) {
      return new PreflightReply(List.of(), List.of("source.tenants: at least one tenant is required"));
    }
    if (spec.target() == null) {
      return new PreflightReply(List.of(), List.of("target is required"));
    }
    SourceDialect source;
    TargetDialect target;
    List<TablePattern> include;
    List<TablePattern> exclude;
    try {
      source = Dialects.source(spec.source().endpoint(spec.source().tenants().get(0)).engine());
      target = Dialects.target(spec.target().endpoint().engine());
      TableSelection tables = spec.tablesOrDefault();
      include = TablePattern.all(tables.includeOrAll());
      exclude = TablePattern.all(tables.excludeOrNone());
    } catch (IllegalArgumentException e) {
      return new PreflightReply(List.of(), List.of(e.getMessage()));
    }
    Run run;
    try {
      run = new Run(spec, source);
    } catch (IllegalArgumentException e) {
      return new PreflightReply(List.of(), List.of(e.getMessage()));
    }
    long started = System.nanoTime();
    LOG.info("preflight of job {}: step 1 - connecting to the target", spec.name());
    try {
      run.target = connections.targetBeside(target, spec.target().endpoint());
      run.targetIdentity = identity(target, run.target);
    } catch (SQLException | IllegalArgumentException e) {
      run.problems.add("target: " + cannotConnect(spec.target().endpoint(), e));
    }
    try {
      int i = 0;
      for (TenantSpec tenant : spec.source().tenants()) {
        LOG.info("preflight of job {}: step 2.{} - surveying tenant {}", spec.name(), ++i, tenant.id());
        surveyTenant(run, source, target, tenant, include, exclude);
      }
    } finally {
      closeQuietly(run.target);
    }
    String unmatched = run.overrides.unmatched();
    if (unmatched != null && run.problems.isEmpty()) {
      run.problems.add(unmatched);
    }
    run.objectNames.forEach((schemas, names) -> run.problems.addAll(TargetNames.collisions("index and constraint names",
        "in target schema " + schemas.substring(0, schemas.indexOf('\n')), names).stream().map(c -> collision(run, c)).toList()));
    if (!run.createConflicts.isEmpty()) {
      run.problems.add(ModeChecks.createConflict(run.createConflicts));
    }
    LOG.info("preflight of job {}: {} table plans, {} problems in {} ms", spec.name(), run.plans.size(), run.problems.size(),
        (System.nanoTime() - started) / 1_000_000);
    return new PreflightReply(run.plans, List.copyOf(run.problems));
  }

  private void surveyTenant(Run run, SourceDialect source, TargetDialect target, TenantSpec tenant,
      List<TablePattern> include, List<TablePattern> exclude) {
    Connection conn;
    try {
      conn = connections.sourceBeside(source, run.spec.source().endpoint(tenant));
    } catch (SQLException | IllegalArgumentException e) {
      run.problems.add("tenant " + tenant.id() + ": " + cannotConnect(run.spec.source().endpoint(tenant), e));
      return;
    }
    try (conn) {
      run.sameDatabase = sameDatabase(run, source, target, tenant, conn);
      conn.setReadOnly(true);
      List<TableName> tables = source.listTables(conn).stream()
          .filter(t -> TablePattern.selected(t, include, exclude)).toList();
      if (tables.isEmpty()) {
        run.problems.add("tenant " + tenant.id() + ": no table matches include " + include + " / exclude " + exclude);
        return;
      }
      Map<TableName, TableName> jobTables = new LinkedHashMap<>();
      tables.forEach(t -> jobTables.put(t, run.names.table(t)));
      Map<String, String> tableNames = new LinkedHashMap<>();
      jobTables.forEach((s, t) -> tableNames.put(s.toString(), t.toString()));
      TargetNames.collisions("tables", "", tableNames).forEach(c -> run.problems.add(collision(run, c)));
      if (run.uuids != null) {
        run.uuids.nextTenant();
      }
      run.described = describeAll(source, conn, tables);
      for (TableName table : tables) {
        long started = System.nanoTime();
        try {
          plan(run, source, target, tenant.id(), conn, table, jobTables, null);
          LOG.debug("preflight of job {}: tenant {}: table {} surveyed in {} ms", run.spec.name(), tenant.id(), table,
              (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException | RuntimeException e) {
          run.problems.add("tenant " + tenant.id() + ": table " + table + ": " + Failures.message(e));
          discardOnReturn(conn, run.target);
        }
      }
    } catch (SQLException e) {
      run.problems.add("tenant " + tenant.id() + ": " + Failures.message(e));
      discardOnReturn(conn, run.target);
    }
  }

  /**
   * Plans one table; a partitioned table is followed by each of its leaf partitions ({@code partitionOf}:
   * the parent's target table), planned the same way, except that the parent's statements create and
   * finish them and the parent reports what their descriptions would repeat.
   */
  private void plan(Run run, SourceDialect source, TargetDialect target, String tenantId, Connection conn,
      TableName table, Map<TableName, TableName> jobTables, TableName partitionOf) throws SQLException {
    List<String> warnings = new ArrayList<>();
    List<String> described = partitionOf == null ? warnings : new ArrayList<>();
    SourceDialect.Described known = partitionOf == null ? run.described.remove(table) : null;
    if (known != null) {
      described.addAll(known.warnings());
    }
    SourceTable st = source.forTarget(known != null ? known.table() : source.describe(conn, table, described),
        run.spec.target(), described);
    TypeMapping mapped = source.mapTypes(conn, st, run.spec.target());
    TypeMapping types = run.overrides.apply(st, mapped);
    warnings.addAll(types.warnings());
    TargetNames.Named named = run.names.rename(st, partitionOf == null ? warnings : new ArrayList<>());
    TypeMapping namedTypes = types.renamed(named.columns());
    if (partitionOf == null) {
      namingProblems(run, tenantId, st, named, jobTables.get(table));
    }
    // Partitions belong to the job with their parent: each lands beside it as the job maps tables.
    st.partitions().forEach(p -> jobTables.putIfAbsent(p.name(), run.names.table(p.name())));
    KeySurvey keys = KeySurvey.of(source, conn, st, run.spec.unitOrDefault(), warnings);
    TableName targetTable = jobTables.get(table);
    // Planned on the source's names (the copy reads the columns that feed each UUID by them); the target's
    // DDL and the columns the copy writes take the UUID columns and constraints by their target names. The
    // copy hashes the source values as their mapped types print them, so an override changes no UUID.
    UuidKeys sourceUuids = partitionOf != null || run.uuids == null ? null
        : run.uuids.plan(source, conn, st, mapped.apply(st), jobTables,
            p -> run.problems.add("tenant " + tenantId + ": " + p), warnings);
    UuidKeys uuids = sourceUuids == null ? null : UuidPlanner.renamed(sourceUuids, run.names::name, c -> c);
    // A job of mode verify compares the tables as they are: it changes nothing on the target.
    TableDdl ddl = run.mode == Mode.VERIFY ? new TableDdl(List.of(), List.of(), List.of(), List.of())
        : partitionOf != null ? target.leafPartitionDdl(targetTable)
        : target.ddl(new DdlRequest(namedTypes.apply(named.table()), targetTable, run.mode, run.tenantColumn, jobTables,
            uuids == null ? null : UuidPlanner.renamed(sourceUuids, run.names::name, named::column)));
    warnings.addAll(ddl.warnings());
    TargetState state = targetState(run, target, targetTable);
    if (uuids != null && state.exists()) {
      UuidPlanner.checkExisting(targetTable, existing(run, target, targetTable, state), uuids,
          p -> run.problems.add("tenant " + tenantId + ": " + p));
    }
    if (partitionOf == null) {
      // A leaf partition is created with its parent and judged with it: the checks run on the parent.
      ModeChecks.Result checks = new ModeChecks(run.mode, run.tenantColumn).check(tenantId, named.table(), targetTable,
          namedTypes, state,
          existing(run, target, targetTable, state), run.sameDatabase && table.equals(targetTable),
          uuids == null ? List.of() : uuids.columns().stream().map(UuidColumn::name).toList());
      run.problems.addAll(checks.problems());
      if (checks.createConflict() != null) {
        run.createConflicts.add(checks.createConflict());
      }
      warnings.addAll(checks.warnings());
    }
    List<ColumnPlan> columns = types.apply(st).copiedColumns().stream()
        .map(c -> new ColumnPlan(c.name(), c.type(), c.nullable(), types.handling(c.name()), c.collation(),
            c.name().equals(named.column(c.name())) ? null : named.column(c.name()))).toList();
    boolean asTheyAre = run.mode == Mode.PRESERVE_SCHEMA || run.mode == Mode.VERIFY;
    boolean createsTable = run.mode == Mode.CREATE || run.mode == Mode.DROP_RECREATE || (!asTheyAre && !state.exists());
    if (partitionOf == null && createsTable) {
      missingCollations(run, target, st, types);
      missingFunctions(run, target, st, types);
    }
    if (partitionOf == null && !asTheyAre) {
      // The job-level prepare runs the mapping's statements in every mode but preserve_schema (and verify).
      missingProviders(run, target, st, types);
    }
    run.plans.add(new TablePlan(tenantId, table.toString(), targetTable.toString(), columns,
        new SplitPlan(keys.key().columns(), keys.key().types(), keys.key().nullable(), keys.key().orderPortable(),
            keys.key().method(), keys.sample().quantiles(), keys.sample().method()),
        keys.rows(), keys.bytes(), types.copyFormat(st), partitionOf == null ? null : partitionOf.toString(),
        new TargetDdl(asTheyAre ? List.of() : types.statements(), ddl.prepare(), ddl.finish(),
            ddl.foreignKeys()),
        state.exists(), state.hasRows(), source.sampleReadRate(conn, st), warnings,
        uuids == null ? List.of() : uuids.columns()));
    for (SourcePartition leaf : st.leafPartitions()) {
      plan(run, source, target, tenantId, conn, leaf.name(), jobTables, targetTable);
    }
  }

  /** The tenant's tables described at once where the dialect can; any failure leaves each to be described alone. */
  private static Map<TableName, SourceDialect.Described> describeAll(SourceDialect source, Connection conn,
      List<TableName> tables) {
    long started = System.nanoTime();
    try {
      Map<TableName, SourceDialect.Described> described = new HashMap<>(source.describeAll(conn, tables));
      if (!described.isEmpty()) {
        LOG.debug("{} of {} tables described at once in {} ms", described.size(), tables.size(),
            (System.nanoTime() - started) / 1_000_000);
      }
      return described;
    } catch (SQLException | RuntimeException e) {
      LOG.debug("describing {} tables at once failed, each is described alone: {}", tables.size(), e.getMessage());
      return new HashMap<>();
    }
  }

  /**
   * A collation Ferry cannot create (one that comes with the server) must exist on the target when the job
   * creates the table, or its creation would fail after other tables moved.
   */
  private static void missingCollations(Run run, TargetDialect target, SourceTable st, TypeMapping types)
      throws SQLException {
    if (run.target == null || types.collations().isEmpty()) {
      return;
    }
    List<String> missing;
    try {
      missing = target.missingCollations(run.target, types.collations());
    } finally {
      run.target.rollback();
    }
    for (String collation : missing) {
      List<String> columns = st.columns().stream().filter(c -> collation.equals(types.collation(c.name())))
          .map(c -> st.name() + "." + c.name()).toList();
      run.problems.add("collation " + collation + " (column " + String.join(", ", columns) + ") does not exist on the target,"
          + " and Ferry cannot create it: it comes with the server (its operating system's locales or its ICU library)."
          + " Install the locale on the target server, or change the source column's collation");
    }
  }

  /**
   * A function a translated default calls ({@code gen_random_uuid()} for {@code newid()}) must exist on the
   * target when the job creates the table, or the table's DDL would fail after other tables moved.
   */
  private static void missingFunctions(Run run, TargetDialect target, SourceTable st, TypeMapping types)
      throws SQLException {
    if (run.target == null || types.functions().isEmpty()) {
      return;
    }
    Map<String, String> missing;
    try {
      missing = target.missingFunctions(run.target, types.functions());
    } finally {
      run.target.rollback();
    }
    missing.forEach((function, how) -> run.problems.add(missingFunction(st, function, how)));
  }

  /** The problem of a function the target lacks, naming the columns whose defaults call it. */
  static String missingFunction(SourceTable st, String function, String how) {
    String name = function.substring(0, function.indexOf('('));
    List<String> columns = st.columns().stream().filter(c -> c.defaultExpr() != null && c.defaultExpr().contains(name))
        .map(c -> st.name() + "." + c.name()).toList();
    return "the target has no function " + function + ", which the default of " + String.join(", ", columns)
        + " calls (as the source's default translates): " + how;
  }

  /** Collations Ferry creates with a provider the target server lacks (ICU) would fail the job's prepare. */
  private static void missingProviders(Run run, TargetDialect target, SourceTable st, TypeMapping types)
      throws SQLException {
    if (run.target == null || types.providers().isEmpty()) {
      return;
    }
    List<String> missing;
    try {
      missing = target.missingCollationProviders(run.target, types.providers());
    } finally {
      run.target.rollback();
    }
    for (String provider : missing) {
      List<String> columns = st.columns().stream().filter(c -> types.collation(c.name()) != null)
          .map(c -> st.name() + "." + c.name()).toList();
      String problem = "the target server has no " + provider + " collation support (it was built without it), and the"
          + " collations of " + String.join(", ", columns) + " need it: use a target server built with " + provider
          + ", or set target.collations: default to give text columns the target database's default collation";
      if (!run.problems.contains(problem)) {
        run.problems.add(problem);
      }
    }
  }

  /** The existing target table, for the modes that write into one (null otherwise). */
  private static ExistingTable existing(Run run, TargetDialect target, TableName table, TargetState state) throws SQLException {
    if (run.target == null || !state.exists() || run.mode == Mode.CREATE || run.mode == Mode.DROP_RECREATE) {
      return null;
    }
    try {
      return target.describeExisting(run.target, table);
    } finally {
      run.target.rollback();
    }
  }

  /**
   * Whether the tenant's database is the target database: their URLs name the same host, port and
   * database, or (same engine) the servers say they are the same database although the URLs differ.
   */
  private static boolean sameDatabase(Run run, SourceDialect source, TargetDialect target, TenantSpec tenant,
      Connection conn) {
    if (target.sameDatabase(tenant.url(), run.spec.target().url())) {
      return true;
    }
    return run.targetIdentity != null && source.engine().equals(target.engine())
        && run.targetIdentity.equals(identity(target, conn));
  }

  private static String identity(TargetDialect dialect, Connection c) {
    try {
      return dialect.databaseIdentity(c);
    } catch (SQLException e) {
      LOG.debug("cannot tell which database a connection reaches: {}", e.getMessage());
      return null;
    } finally {
      try {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
      } catch (SQLException ignored) {
        // the next statement on it says more
      }
    }
  }

  private static TargetState targetState(Run run, TargetDialect target, TableName table) throws SQLException {
    if (run.target == null) {
      return new TargetState(false, false);
    }
    TargetState known = run.targetStates.get(table);
    if (known == null) {
      try {
        known = target.inspect(run.target, table);
      } finally {
        run.target.rollback();
      }
      run.targetStates.put(table, known);
    }
    return known;
  }

  /**
   * Names that collide once the job's identifier style renames them: two columns of the table, a column
   * and the tenant column; the table's index and constraint names are gathered per target schema and
   * compared once every table is known.
   */
  private static void namingProblems(Run run, String tenantId, SourceTable st, TargetNames.Named named,
      TableName targetTable) {
    TargetNames.collisions("columns", "of " + st.name(), named.columns()).forEach(c -> run.problems.add(collision(run, c)));
    if (run.tenantColumn != null) {
      named.columns().forEach((source, target) -> {
        if (target.equals(run.tenantColumn)) {
          run.problems.add("tenant " + tenantId + ": table " + st.name() + " already has a column named " + source
              + (source.equals(target) ? "" : " (" + target + " on the target)")
              + ", the same as target.tenantColumn: choose another tenant column name");
        }
      });
    }
    Map<String, String> objects = run.objectNames.computeIfAbsent(
        targetTable.schema() + "\n" + run.names.name(st.name().schema()), s -> new LinkedHashMap<>());
    String schema = st.name().schema();
    st.indexes().forEach(i -> objects.put(schema + "." + i.name(), run.names.name(i.name())));
    st.checks().forEach(c -> objects.put(schema + "." + c.name(), run.names.name(c.name())));
    st.foreignKeys().forEach(f -> objects.put(schema + "." + f.name(), run.names.name(f.name())));
  }

  private static String collision(Run run, String collision) {
    return "target.identifiers " + run.names.style().wireName() + ": " + collision
        + ": rename one on the source, leave one out (tables.exclude), or choose another target.identifiers style";
  }

  private static String cannotConnect(Endpoint c, Exception e) {
    String password;
    try {
      password = Secret.resolve(c.password());
    } catch (IllegalArgumentException unresolved) {
      password = null;
    }
    String reason = ConnectionFailure.reason(e, c.url(), c.user(), "this worker");
    return "cannot connect to " + Failures.redactUrl(c.url()) + " as user " + c.user() + ": "
        + (reason != null ? reason : Failures.message(e, password));
  }

  /** A statement failed on these connections: whatever state it left is not lent to a unit. */
  private static void discardOnReturn(Connection... used) {
    for (Connection c : used) {
      if (c != null) {
        LentConnection.of(c).discardOnReturn();
      }
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing left to do with it
      }
    }
  }
}
