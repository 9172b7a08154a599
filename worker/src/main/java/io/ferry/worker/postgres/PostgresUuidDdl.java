package io.ferry.worker.postgres;

import io.ferry.protocol.plan.UuidColumn;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.FerryUuid;
import io.ferry.worker.dialect.KeyCanon;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.UuidKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The target DDL of {@code target.keys: uuid} (see {@link UuidKeys}): a table's UUID key column is its
 * primary key, its source key stays unique per tenant ({@code <table>_source_key}, which upsert's
 * {@code ON CONFLICT} and rollbacks by range use), and a rewritten foreign key references the parent's
 * UUID key through its own UUID column. Every table with a UUID key joins the view {@code ferry.id_map}
 * ({@code tenant, table_name, source_key, id, target_table}), and {@code ferry.uuid_v5} recomputes a UUID
 * in SQL (with pgcrypto's {@code digest}). Each method answers nothing for composite keys.
 */
final class PostgresUuidDdl {

  /** Serializes the rebuilds of {@code ferry.id_map} by concurrent finish units. */
  private static final String ID_MAP_LOCK = "hashtext('ferry.id_map')";

  private PostgresUuidDdl() {
  }

  /** The UUID key column's definition, to follow the tenant column; null without one. */
  static String keyColumn(DdlRequest r) {
    UuidColumn key = r.uuids() == null ? null : r.uuids().key();
    return key == null ? null : PgSql.ident(key.name()) + " uuid NOT NULL";
  }

  /** The foreign keys' UUID column definitions, after the source's columns (NULL where the reference is). */
  static List<String> foreignKeyColumns(DdlRequest r) {
    List<String> out = new ArrayList<>();
    if (r.uuids() != null) {
      r.uuids().foreignKeys().forEach(f -> out.add(PgSql.ident(f.column().name()) + " uuid"));
    }
    return out;
  }

  /** The primary key's columns: the UUID key when the table has one, else {@code composite} (tenant and source key). */
  static List<String> primaryKey(DdlRequest r, List<String> composite) {
    UuidColumn key = r.uuids() == null ? null : r.uuids().key();
    return key == null ? composite : List.of(key.name());
  }

  /** {@code CONSTRAINT <table>_source_key UNIQUE (tenant, source key)} beside a UUID primary key; null otherwise. */
  static String sourceKeyConstraint(DdlRequest r, List<String> composite) {
    if (r.uuids() == null || r.uuids().key() == null) {
      return null;
    }
    return "CONSTRAINT " + PgSql.ident(sourceKeyName(r)) + " UNIQUE (" + PgSql.idents(composite) + ")";
  }

  static String sourceKeyName(DdlRequest r) {
    return PgSql.fitIdentifier(r.target().name() + "_source_key");
  }

  /** The referencing and referenced columns of a rewritten foreign key, as SQL; null when it is not rewritten. */
  static String foreignKey(DdlRequest r, SourceForeignKey fk, TableName parent) {
    if (r.uuids() == null) {
      return null;
    }
    return r.uuids().foreignKey(fk.name())
        .map(c -> "FOREIGN KEY (" + PgSql.ident(c.name()) + ") REFERENCES " + PgSql.table(parent)
            + " (" + PgSql.ident(r.uuids().column()) + ")")
        .orElse(null);
  }

  /**
   * Prepare: the functions that recompute a UUID in SQL (prepares run one at a time, so replacing them is
   * safe): {@code ferry.uuid_key_text} makes a key value's text canonical as {@link KeyCanon} does (the
   * same fixed tables, through {@code translate}; {@code normalize} needs PostgreSQL 13 and a UTF-8
   * database), {@code ferry.uuid_v5} hashes canonical texts as {@link FerryUuid} does. The {@code ferry} schema
   * first: a job's checkpoints have created it, a schema script ({@code ferry schema}) runs before them.
   */
  static List<String> prepare(DdlRequest r) {
    if (r.uuids() == null) {
      return List.of();
    }
    String namespace = FerryUuid.NAMESPACE.toString().replace("-", "");
    return List.of("CREATE SCHEMA IF NOT EXISTS ferry",
        "CREATE OR REPLACE FUNCTION ferry.uuid_key_text(value text, rule text)"
        + " RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $ferry$"
        + " DECLARE v text := value; BEGIN"
        + " IF rule = 'exact' THEN RETURN v; END IF;"
        + " IF rule NOT IN ('cs_as', 'ci_as', 'cs_ai', 'ci_ai') THEN"
        + " RAISE EXCEPTION 'ferry.uuid_key_text: no rule %', rule; END IF;"
        + " v := rtrim(v, ' ');"
        + " IF rule IN ('cs_ai', 'ci_ai') THEN"
        + " v := normalize(translate(normalize(v, NFD), " + PgSql.literal(KeyCanon.marks()) + ", ''), NFC); END IF;"
        + " IF rule IN ('ci_as', 'ci_ai') THEN"
        + " v := translate(v, " + PgSql.literal(KeyCanon.foldFrom()) + ", " + PgSql.literal(KeyCanon.foldTo()) + ");"
        + " END IF;"
        + " RETURN v; END $ferry$",
        "CREATE OR REPLACE FUNCTION ferry.uuid_v5(tenant text, table_name text, source_key text[])"
        + " RETURNS uuid LANGUAGE plpgsql IMMUTABLE STRICT AS $ferry$"
        + " DECLARE name bytea := convert_to(tenant, 'UTF8') || decode('00', 'hex') || convert_to(table_name, 'UTF8');"
        + " k text; h bytea;"
        + " BEGIN FOREACH k IN ARRAY source_key LOOP"
        + " IF k IS NULL THEN RETURN NULL; END IF;"
        + " name := name || decode('00', 'hex') || convert_to(k, 'UTF8'); END LOOP;"
        + " h := substring(digest(decode('" + namespace + "', 'hex') || name, 'sha1') FROM 1 FOR 16);"
        + " h := set_byte(set_byte(h, 6, (get_byte(h, 6) & 15) | 80), 8, (get_byte(h, 8) & 63) | 128);"
        + " RETURN encode(h, 'hex')::uuid; END $ferry$");
  }

  /**
   * Finish: registers the table in {@code ferry.id_map_tables} and rebuilds the view {@code ferry.id_map}
   * over every registered table that still has its UUID key, one {@code UNION ALL} branch each, so a lookup
   * by {@code id} or by source key uses each table's indexes.
   */
  static List<String> finish(DdlRequest r) {
    if (r.uuids() == null || r.uuids().key() == null) {
      return List.of();
    }
    UuidColumn key = r.uuids().key();
    String table = PgSql.table(r.target());
    String tenant = r.tenantColumn() == null ? "NULL::text" : PgSql.ident(r.tenantColumn()) + "::text";
    // The default collation: branches over text keys of different collations would not unite otherwise.
    List<String> keyText = key.from().stream()
        .map(c -> PgSql.ident(c) + "::text COLLATE pg_catalog.\"default\"").toList();
    String select = "SELECT " + tenant + " AS tenant, " + PgSql.literal(key.table()) + "::text AS table_name, ARRAY["
        + String.join(", ", keyText) + "] AS source_key, " + PgSql.ident(key.name()) + " AS id, "
        + PgSql.literal(r.target().toString()) + "::text AS target_table FROM " + table;
    return List.of("DO $ferry$ DECLARE branches text; BEGIN"
        + " PERFORM pg_advisory_xact_lock(" + ID_MAP_LOCK + ");"
        + " CREATE TABLE IF NOT EXISTS ferry.id_map_tables (target_table text PRIMARY KEY, uuid_column text NOT NULL,"
        + " select_sql text NOT NULL);"
        + " INSERT INTO ferry.id_map_tables VALUES (" + PgSql.literal(table) + ", " + PgSql.literal(key.name()) + ", "
        + PgSql.literal(select) + ") ON CONFLICT (target_table) DO UPDATE SET uuid_column = EXCLUDED.uuid_column,"
        + " select_sql = EXCLUDED.select_sql;"
        + " SELECT string_agg(select_sql, ' UNION ALL ' ORDER BY target_table) INTO branches FROM ferry.id_map_tables m"
        + " WHERE EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass(m.target_table)"
        + " AND a.attname = m.uuid_column AND NOT a.attisdropped);"
        + " EXECUTE 'CREATE OR REPLACE VIEW ferry.id_map AS ' || branches; END $ferry$");
  }
}
