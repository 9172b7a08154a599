package io.ferry.worker.postgres;

import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Lists what a source table has that Ferry does not carry to the target — triggers, row-level security
 * and its policies, rules, comments, grants, publications, extended statistics, storage parameters and
 * the like — as plan warnings, so that nothing is left behind without a word. (Exclusion constraints are
 * found with the indexes; foreign keys to tables outside the job with the foreign keys.)
 */
final class PostgresNotCarried {

  /** One row per object: what it is, and its name (null when the kind says it all). */
  private static final String OBJECTS = """
      SELECT 'trigger', tgname FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal
      UNION ALL SELECT 'row-level security (ENABLE' || CASE WHEN relforcerowsecurity THEN ', FORCE' ELSE '' END || ')', NULL
        FROM pg_class WHERE oid = $1 AND (relrowsecurity OR relforcerowsecurity)
      UNION ALL SELECT 'policy', polname FROM pg_policy WHERE polrelid = $1
      UNION ALL SELECT 'rule', rulename FROM pg_rewrite WHERE ev_class = $1 AND rulename <> '_RETURN'
      UNION ALL SELECT CASE WHEN d.objsubid = 0 THEN 'comment on table' ELSE 'comment on column ' || quote_ident(a.attname) END,
        NULL FROM pg_description d LEFT JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
        WHERE d.objoid = $1 AND d.classoid = 'pg_class'::regclass
      UNION ALL SELECT 'comment on constraint', con.conname FROM pg_constraint con
        JOIN pg_description d ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass WHERE con.conrelid = $1
      UNION ALL SELECT 'comment on index', ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_description d ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass WHERE i.indrelid = $1
      UNION ALL SELECT 'grants (' || array_to_string(relacl, ', ') || ')', NULL FROM pg_class WHERE oid = $1 AND relacl IS NOT NULL
      UNION ALL SELECT 'column grants on ' || quote_ident(attname) || ' (' || array_to_string(attacl, ', ') || ')', NULL
        FROM pg_attribute WHERE attrelid = $1 AND attacl IS NOT NULL AND NOT attisdropped
      UNION ALL SELECT 'publication', p.pubname FROM pg_publication p
        WHERE p.puballtables OR EXISTS (SELECT 1 FROM pg_publication_rel r WHERE r.prpubid = p.oid AND r.prrelid = $1)
      UNION ALL SELECT 'extended statistics', stxname FROM pg_statistic_ext WHERE stxrelid = $1
      UNION ALL SELECT 'storage parameters (' || array_to_string(reloptions, ', ') || ')', NULL FROM pg_class
        WHERE oid = $1 AND reloptions IS NOT NULL
      UNION ALL SELECT 'UNLOGGED', NULL FROM pg_class WHERE oid = $1 AND relpersistence = 'u'
      UNION ALL SELECT 'tablespace', t.spcname FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE c.oid = $1
      UNION ALL SELECT 'REPLICA IDENTITY ' || CASE relreplident WHEN 'n' THEN 'NOTHING' WHEN 'f' THEN 'FULL' ELSE 'USING INDEX' END,
        NULL FROM pg_class WHERE oid = $1 AND relreplident <> 'd'
      UNION ALL SELECT 'inheritance from', quote_ident(pn.nspname) || '.' || quote_ident(p.relname) FROM pg_inherits i
        JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
        WHERE i.inhrelid = $1 AND p.relkind <> 'p'
      UNION ALL SELECT 'statistics target of column', attname FROM pg_attribute
        WHERE attrelid = $1 AND attnum > 0 AND attstattarget >= 0 AND NOT attisdropped
      UNION ALL SELECT 'storage of column', a.attname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = $1 AND a.attnum > 0 AND a.attstorage <> t.typstorage AND NOT a.attisdropped
      UNION ALL SELECT 'security label (' || provider || ')', NULL FROM pg_seclabel WHERE objoid = $1 AND classoid = 'pg_class'::regclass
      UNION ALL SELECT 'storage parameters (' || array_to_string(ic.reloptions, ', ') || ') of index', ic.relname
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1 AND ic.reloptions IS NOT NULL
      UNION ALL SELECT DISTINCT CASE v.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END,
        quote_ident(vn.nspname) || '.' || quote_ident(v.relname) || ' (reads it)' FROM pg_depend d
        JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1 AND v.oid <> $1""";

  /** Column compression exists from PostgreSQL 14 on. */
  private static final String COMPRESSION = """
      UNION ALL SELECT 'compression of column', attname FROM pg_attribute
        WHERE attrelid = $1 AND attnum > 0 AND attcompression <> '' AND NOT attisdropped""";

  /** Publications of a whole schema exist from PostgreSQL 15 on. */
  private static final String SCHEMA_PUBLICATIONS = """
      UNION ALL SELECT 'publication', p.pubname FROM pg_publication p JOIN pg_publication_namespace pn ON pn.pnpubid = p.oid
        JOIN pg_class c ON c.relnamespace = pn.pnnspid WHERE c.oid = $1""";

  private PostgresNotCarried() {
  }

  static void warn(Connection c, long oid, TableName table, List<String> warnings) throws SQLException {
    int version = c.getMetaData().getDatabaseMajorVersion();
    String sql = OBJECTS + (version >= 14 ? "\n" + COMPRESSION : "") + (version >= 15 ? "\n" + SCHEMA_PUBLICATIONS : "");
    try (PreparedStatement ps = c.prepareStatement(sql.replace("$1", "?::oid"))) {
      int params = (int) sql.chars().filter(ch -> ch == '$').count();
      for (int i = 1; i <= params; i++) {
        ps.setLong(i, oid);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(2);
          warnings.add(rs.getString(1) + (name == null ? "" : " " + name) + " of " + table
              + " is not carried: recreate it on the target if it is needed there");
        }
      }
    }
  }
}
