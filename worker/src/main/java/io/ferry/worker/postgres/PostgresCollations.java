package io.ferry.worker.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Column collations on the source, and how each lands on the target. A collation in {@code pg_catalog}
 * comes with the server (its operating system's locales, its ICU) and cannot be created: it must exist on
 * the target, which the preflight checks. Any other is recreated from its definition (provider, locale,
 * deterministic), in {@code target.schema} when the job sets one, like types.
 */
final class PostgresCollations {

  /** Read through {@code to_jsonb}, whose keys are the columns this server's catalog has (they differ by version). */
  private static final String COLLATION = """
      SELECT n.nspname, co.collname, co.collprovider, co.collisdeterministic, j->>'collcollate', j->>'collctype',
             coalesce(j->>'colllocale', j->>'colliculocale'), j->>'collicurules'
      FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace CROSS JOIN LATERAL to_jsonb(co) j
      WHERE co.oid = ?::oid""";

  /** One pg_collation row, as much as {@code CREATE COLLATION} needs. */
  record Collation(String schema, String name, char provider, boolean deterministic, String collate, String ctype,
                   String locale, String icuRules) {

    /** Created with the server or database, never by a statement of Ferry's. */
    boolean builtIn() {
      return schema.equals("pg_catalog") || provider == 'd';
    }
  }

  private final Connection source;
  private final Map<Long, Collation> known = new HashMap<>();

  PostgresCollations(Connection source) {
    this.source = source;
  }

  Collation read(long oid) throws SQLException {
    Collation c = known.get(oid);
    if (c != null) {
      return c;
    }
    try (PreparedStatement ps = source.prepareStatement(COLLATION)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("collation with oid " + oid + " does not exist");
        }
        c = new Collation(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0), rs.getBoolean(4), rs.getString(5),
            rs.getString(6), rs.getString(7), rs.getString(8));
      }
    }
    known.put(oid, c);
    return c;
  }

  /** The collation's name in target DDL: qualified and quoted, in {@code schema}. */
  static String name(String schema, Collation c) {
    return PgSql.ident(schema) + "." + PgSql.ident(c.name());
  }

  /** An idempotent statement creating the collation as {@code schema.name} on the target. */
  static String createSql(String schema, Collation c) {
    StringBuilder def = new StringBuilder();
    switch (c.provider()) {
      case 'i' -> {
        def.append("provider = icu, locale = ").append(PgSql.literal(c.locale()));
        if (c.icuRules() != null) {
          def.append(", rules = ").append(PgSql.literal(c.icuRules()));
        }
      }
      case 'b' -> def.append("provider = builtin, locale = ").append(PgSql.literal(c.locale()));
      default -> def.append("provider = libc, lc_collate = ").append(PgSql.literal(c.collate()))
          .append(", lc_ctype = ").append(PgSql.literal(c.ctype()));
    }
    if (!c.deterministic()) {
      def.append(", deterministic = false");
    }
    return "DO $ferry$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace"
        + " WHERE n.nspname = " + PgSql.literal(schema) + " AND c.collname = " + PgSql.literal(c.name()) + ") THEN"
        + " CREATE COLLATION " + name(schema, c) + " (" + def + "); END IF; END $ferry$";
  }
}
