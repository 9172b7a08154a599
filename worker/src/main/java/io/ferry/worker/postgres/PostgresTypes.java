package io.ferry.worker.postgres;

import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TypeMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user-defined types a table's columns use — enums, domains, composite types, range types, arrays
 * of them, and types of extensions — gathered recursively from the source catalog, and the idempotent
 * target statements that create them in dependency order (a domain after its base type, a composite
 * after its fields' types, a range after its subtype).
 *
 * <p>Types land in {@code target.schema} when the job sets one, else in their own schema, and the target
 * DDL names them qualified and quoted. Extension types are not recreated but come with their extension
 * ({@code CREATE EXTENSION IF NOT EXISTS}), in the schema the source has it in, and keep their name.
 *
 * <p><b>Binary COPY portability.</b> The binary forms of arrays and composite values embed the type OID of
 * each element / field, and the receiving server refuses an OID that is not the one it expects. Built-in
 * types have the same OIDs everywhere (below {@value #FIRST_USER_OID}); user-defined types get new OIDs in
 * every database. So a column whose type is an array of a user-defined type, a composite type, or a domain
 * over one of those cannot travel as binary: its table uses text COPY, and the column's handling says why.
 * Enums, ranges and domains over built-in types send no OIDs and stay binary.
 */
final class PostgresTypes {

  /** PostgreSQL's FirstNormalObjectId: every OID below it is built in, identical in every database. */
  static final int FIRST_USER_OID = 16384;

  /**
   * A column's type for comparisons across databases: {@code format_type} for built-in types, the bare
   * quoted name (and {@code []}) for user-defined ones, whose schema may legitimately differ. Expects
   * {@code a} (pg_attribute), {@code t} (its pg_type) and {@code e} (the element type, or {@code t}).
   */
  static final String PORTABLE_TYPE = """
      CASE WHEN e.oid >= 16384 THEN quote_ident(e.typname) || CASE WHEN e.oid <> t.oid THEN '[]' ELSE '' END
           ELSE format_type(a.atttypid, a.atttypmod) END""";
  static final String ELEMENT_JOIN = """
      JOIN pg_type t ON t.oid = a.atttypid
      JOIN pg_type e ON e.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END""";

  private static final String COLUMNS = """
      SELECT a.attname, a.atttypid, a.atttypmod, format_type(a.atttypid, a.atttypmod), %s,
             CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation ELSE 0 END
      FROM pg_attribute a %s
      WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""".formatted(PORTABLE_TYPE, ELEMENT_JOIN);

  private static final String TYPE = """
      SELECT n.nspname, t.typname, t.typtype, t.typelem, t.typlen, t.typbasetype, t.typtypmod,
             format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, t.typrelid,
             (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid),
             (SELECT x.extname FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
              WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.refclassid = 'pg_extension'::regclass
                AND d.deptype = 'e' LIMIT 1),
             CASE WHEN t.typtype = 'd' AND t.typcollation <> 0
                   AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
                  THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
                        JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) END,
             format_type(t.oid, NULL)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ?::oid""";

  private static final String FIELDS = """
      SELECT a.attname, a.atttypid, a.atttypmod, format_type(a.atttypid, a.atttypmod)
      FROM pg_attribute a WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""";

  private static final String DOMAIN_CHECKS = """
      SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = ?::oid AND contype = 'c' ORDER BY conname""";

  private static final String ENUM_LABELS = "SELECT enumlabel FROM pg_enum WHERE enumtypid = ?::oid ORDER BY enumsortorder";

  private static final String RANGE = """
      SELECT r.rngsubtype, format_type(r.rngsubtype, NULL),
             CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                  THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
                        JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) END,
             CASE WHEN NOT opc.opcdefault THEN quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END,
             CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END,
             (SELECT pn.nspname = 'pg_catalog' FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace
              WHERE p.oid = r.rngsubdiff),
             (SELECT quote_ident(pn.nspname) || '.' || quote_ident(p.proname) FROM pg_proc p
              JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = r.rngsubdiff),
             %s
      FROM pg_range r JOIN pg_type st ON st.oid = r.rngsubtype JOIN pg_opclass opc ON opc.oid = r.rngsubopc
        JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
      WHERE r.rngtypid = ?::oid""";
  private static final String MULTIRANGE_NAME = "(SELECT m.typname FROM pg_type m WHERE m.oid = r.rngmultitypid)";
  private static final String RANGE_OF_MULTIRANGE = "SELECT rngtypid FROM pg_range WHERE rngmultitypid = ?::oid";

  /** One pg_type row, as much as the mapping needs. */
  private record TypeInfo(long oid, String schema, String name, char kind, long element, int length, long baseType,
                          int baseTypmod, String baseFormatted, boolean notNull, String defaultExpr, long relation,
                          String relationKind, String extension, String collation, String formatted) {

    boolean array() {
      return element != 0 && length == -1;
    }

    String sourceName() {
      return schema + "." + name;
    }
  }

  private final Connection source;
  private final String targetSchema;
  private final Map<Long, TypeInfo> infos = new HashMap<>();
  private final Map<Long, String> reasons = new HashMap<>();
  private final Set<Long> visited = new HashSet<>();
  private final Set<String> schemas = new HashSet<>();
  private final List<String> statements = new ArrayList<>();
  private final Set<String> warnings = new LinkedHashSet<>();
  private final Set<String> requiredCollations = new LinkedHashSet<>();
  private final PostgresCollations collations;

  private PostgresTypes(Connection source, String targetSchema) {
    this.source = source;
    this.collations = new PostgresCollations(source);
    this.targetSchema = targetSchema == null || targetSchema.isBlank() ? null : targetSchema;
  }

  static TypeMapping map(Connection source, SourceTable table, String targetSchema) throws SQLException {
    return new PostgresTypes(source, targetSchema).map(table);
  }

  private TypeMapping map(SourceTable table) throws SQLException {
    long oid = PostgresCatalog.oid(source, table.name());
    if (oid < 0) {
      throw new SQLException("table " + table.name() + " does not exist", "42P01");
    }
    record Column(String name, long type, int typmod, String formatted, String portable, long collation) {
    }
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement(COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new Column(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5),
              rs.getLong(6)));
        }
      }
    }
    Map<String, TypeMapping.ColumnType> mapped = new LinkedHashMap<>();
    for (Column c : columns) {
      visit(c.type());
      String reason = textReason(c.type());
      mapped.put(c.name(), new TypeMapping.ColumnType(render(c.type(), c.formatted()),
          reason == null ? null : "text: " + reason, c.portable(), c.collation() == 0 ? null : collation(c.collation())));
    }
    return new TypeMapping(List.copyOf(statements), mapped, List.copyOf(warnings), List.copyOf(requiredCollations));
  }

  /** The collation's target name; one Ferry can create is created (once), one it cannot must exist on the target. */
  private String collation(long oid) throws SQLException {
    PostgresCollations.Collation c = collations.read(oid);
    if (c.builtIn()) {
      String name = PostgresCollations.name(c.schema(), c);
      requiredCollations.add(name);
      return name;
    }
    String schema = mappedSchema(c.schema());
    String create = PostgresCollations.createSql(schema, c);
    if (!statements.contains(create)) {
      createSchema(schema);
      statements.add(create);
    }
    return PostgresCollations.name(schema, c);
  }

  /** Creates the type's dependencies, then the type itself (post-order), each once. */
  private void visit(long oid) throws SQLException {
    if (oid < FIRST_USER_OID || !visited.add(oid)) {
      return;
    }
    TypeInfo t = info(oid);
    if (t.array()) {
      visit(t.element());
      return;
    }
    if (t.extension() != null) {
      createSchema(t.schema());
      statements.add("CREATE EXTENSION IF NOT EXISTS " + PgSql.ident(t.extension()) + " WITH SCHEMA " + PgSql.ident(t.schema()));
      return;
    }
    switch (t.kind()) {
      case 'e' -> create(t, "CREATE TYPE " + targetName(t) + " AS ENUM (" + String.join(", ", enumLabels(t)) + ")");
      case 'd' -> {
        visit(t.baseType());
        create(t, domain(t));
      }
      case 'c' -> composite(t);
      case 'r' -> range(t);
      case 'm' -> visit(rangeOfMultirange(t));
      default -> warnings.add("type " + t.sourceName() + " is a base type without an extension (implemented in C): "
          + "it must already exist on the target");
    }
  }

  private String domain(TypeInfo t) throws SQLException {
    StringBuilder sql = new StringBuilder("CREATE DOMAIN ").append(targetName(t)).append(" AS ")
        .append(render(t.baseType(), t.baseFormatted()));
    if (t.collation() != null) {
      sql.append(" COLLATE ").append(t.collation());
    }
    if (t.defaultExpr() != null) {
      sql.append(" DEFAULT ").append(t.defaultExpr());
    }
    if (t.notNull()) {
      sql.append(" NOT NULL");
    }
    try (PreparedStatement ps = source.prepareStatement(DOMAIN_CHECKS)) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sql.append(" CONSTRAINT ").append(PgSql.ident(rs.getString(1))).append(' ').append(rs.getString(2));
        }
      }
    }
    return sql.toString();
  }

  private void composite(TypeInfo t) throws SQLException {
    if (!"c".equals(t.relationKind())) {
      // The row type of a table: it exists wherever that table does, and cannot be created on its own.
      warnings.add("type " + t.sourceName() + " is the row type of table " + t.sourceName()
          + ": that table must exist on the target before this one");
      return;
    }
    record Field(String name, long type, String formatted) {
    }
    List<Field> fields = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement(FIELDS)) {
      ps.setLong(1, t.relation());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          fields.add(new Field(rs.getString(1), rs.getLong(2), rs.getString(4)));
        }
      }
    }
    List<String> defs = new ArrayList<>();
    for (Field f : fields) {
      visit(f.type());
      defs.add(PgSql.ident(f.name()) + " " + render(f.type(), f.formatted()));
    }
    create(t, "CREATE TYPE " + targetName(t) + " AS (" + String.join(", ", defs) + ")");
  }

  private void range(TypeInfo t) throws SQLException {
    boolean multiranges = source.getMetaData().getDatabaseMajorVersion() >= 14;
    String sql = RANGE.formatted(multiranges ? MULTIRANGE_NAME : "NULL::name");
    try (PreparedStatement ps = source.prepareStatement(sql)) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("range type " + t.sourceName() + " has no pg_range row");
        }
        long subtype = rs.getLong(1);
        visit(subtype);
        StringBuilder def = new StringBuilder("SUBTYPE = ").append(render(subtype, rs.getString(2)));
        if (rs.getString(4) != null) {
          def.append(", SUBTYPE_OPCLASS = ").append(rs.getString(4));
        }
        if (rs.getString(3) != null) {
          def.append(", COLLATION = ").append(rs.getString(3));
        }
        if (rs.getString(5) != null) {
          warnings.add("range type " + t.sourceName() + ": its canonical function " + rs.getString(5)
              + " is not recreated; the target's range is continuous");
        }
        if (rs.getString(7) != null) {
          if (rs.getBoolean(6)) {
            def.append(", SUBTYPE_DIFF = ").append(rs.getString(7));
          } else {
            warnings.add("range type " + t.sourceName() + ": its subtype_diff function " + rs.getString(7)
                + " is not recreated (only built-in functions are); GiST indexes on it may be slower");
          }
        }
        if (rs.getString(8) != null) {
          def.append(", MULTIRANGE_TYPE_NAME = ").append(PgSql.ident(mappedSchema(t.schema()))).append('.')
              .append(PgSql.ident(rs.getString(8)));
        }
        create(t, "CREATE TYPE " + targetName(t) + " AS RANGE (" + def + ")");
      }
    }
  }

  private long rangeOfMultirange(TypeInfo t) throws SQLException {
    try (PreparedStatement ps = source.prepareStatement(RANGE_OF_MULTIRANGE)) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private List<String> enumLabels(TypeInfo t) throws SQLException {
    List<String> labels = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement(ENUM_LABELS)) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          labels.add(PgSql.literal(rs.getString(1)));
        }
      }
    }
    return labels;
  }

  /** Why values of this type cannot travel as binary COPY between two databases; null when they can. */
  private String textReason(long oid) throws SQLException {
    if (oid < FIRST_USER_OID) {
      return null;
    }
    if (reasons.containsKey(oid)) {
      return reasons.get(oid);
    }
    TypeInfo t = info(oid);
    String reason = null;
    if (t.array()) {
      reason = t.element() >= FIRST_USER_OID ? "array of user-defined type " + info(t.element()).sourceName() : null;
    } else if (t.kind() == 'c') {
      reason = "composite type " + t.sourceName();
    } else if (t.kind() == 'd') {
      String base = textReason(t.baseType());
      reason = base == null ? null : "domain " + t.sourceName() + " over " + base;
    }
    reasons.put(oid, reason);
    return reason;
  }

  /** The type's name in the target DDL. {@code formatted}: {@code format_type} of it with its typmod, if known. */
  private String render(long oid, String formatted) throws SQLException {
    if (oid < FIRST_USER_OID) {
      return formatted;
    }
    TypeInfo t = info(oid);
    if (t.array()) {
      return t.element() < FIRST_USER_OID ? formatted : render(t.element(), null) + "[]";
    }
    if (t.extension() != null || t.kind() == 'b' || t.kind() == 'p') {
      return formatted != null ? formatted : t.formatted();
    }
    return targetName(t);
  }

  private String targetName(TypeInfo t) {
    return PgSql.ident(mappedSchema(t.schema())) + "." + PgSql.ident(t.name());
  }

  private String mappedSchema(String schema) {
    return targetSchema != null ? targetSchema : schema;
  }

  /** Guards the statement with an existence check (the target may have the type from another tenant or job). */
  private void create(TypeInfo t, String createSql) {
    String schema = mappedSchema(t.schema());
    createSchema(schema);
    statements.add("DO $ferry$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        + " WHERE n.nspname = " + PgSql.literal(schema) + " AND t.typname = " + PgSql.literal(t.name()) + ") THEN "
        + createSql + "; END IF; END $ferry$");
  }

  private void createSchema(String schema) {
    if (schemas.add(schema)) {
      statements.add("CREATE SCHEMA IF NOT EXISTS " + PgSql.ident(schema));
    }
  }

  private TypeInfo info(long oid) throws SQLException {
    TypeInfo known = infos.get(oid);
    if (known != null) {
      return known;
    }
    try (PreparedStatement ps = source.prepareStatement(TYPE)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("type with oid " + oid + " does not exist");
        }
        TypeInfo t = new TypeInfo(oid, rs.getString(1), rs.getString(2), rs.getString(3).charAt(0), rs.getLong(4),
            rs.getInt(5), rs.getLong(6), rs.getInt(7), rs.getString(8), rs.getBoolean(9), rs.getString(10), rs.getLong(11),
            rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15));
        infos.put(oid, t);
        return t;
      }
    }
  }
}
