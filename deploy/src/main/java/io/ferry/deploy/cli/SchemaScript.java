package io.ferry.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A job's target DDL as a migration script a team reviews and commits, written from a dry run's plan
 * ({@code PlanView}): a header, then the body (type and collation statements, per table its prepare
 * and finish statements with its warnings as comments, every foreign key last, in the order a job runs
 * them), then the statements that record the body's checksum in {@code ferry.schema_scripts}, each in the
 * target engine's dialect ({@link Engine}).
 *
 * <p>The checksum is the SHA-256 (lower-case hex) of the UTF-8 bytes of the body: every line after the
 * line {@value #BEGIN} up to the line starting {@value #END}, each line with its {@code \n}. The header
 * (which carries the generation time) is outside it, so the same plan always has the same checksum.
 */
public final class SchemaScript {

  static final String BEGIN = "-- ferry:body-begin";
  static final String END = "-- ferry:body-end";
  static final String TABLE = "ferry.schema_scripts";

  /** What the header says about where the script came from. */
  public record Header(String job, String source, String plannedMode, String generatedAt, String ferryVersion) {
  }

  /**
   * What differs between the target engines' scripts: how a statement ends, how the script is applied and
   * how the checksum is recorded. A SQL Server script ends every statement with a {@code GO} line, as
   * {@code sqlcmd} and SSMS split batches ({@code CREATE SCHEMA} must be alone in its batch), and runs in one
   * transaction that it opens and commits itself, since {@code sqlcmd} has no single-transaction switch.
   */
  public enum Engine {
    POSTGRESQL("postgresql", "", ";\n", "psql -v ON_ERROR_STOP=1 --single-transaction -f FILE.sql", "") {
      @Override
      String record(String job, String checksum) {
        return statement("CREATE SCHEMA IF NOT EXISTS ferry")
            + statement("CREATE TABLE IF NOT EXISTS " + TABLE + " (checksum text PRIMARY KEY,"
                + " applied_at timestamptz NOT NULL DEFAULT now(), job text)")
            + statement("INSERT INTO " + TABLE + " (checksum, job) VALUES ('" + checksum + "', " + literal(job, "")
                + ") ON CONFLICT (checksum) DO NOTHING");
      }
    },
    SQLSERVER("sqlserver", "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\nGO\n", ";\nGO\n",
        "sqlcmd -b -i FILE.sql (GO ends each batch; the script commits its own transaction)", "COMMIT TRANSACTION;\nGO\n") {
      @Override
      String record(String job, String checksum) {
        return statement("IF SCHEMA_ID('ferry') IS NULL EXEC('CREATE SCHEMA ferry')")
            + statement("IF OBJECT_ID('" + TABLE + "', 'U') IS NULL CREATE TABLE " + TABLE + " (checksum char(64) NOT NULL"
                + " PRIMARY KEY, applied_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(), job nvarchar(400) NULL)")
            + statement("IF NOT EXISTS (SELECT 1 FROM " + TABLE + " WHERE checksum = '" + checksum + "') INSERT INTO "
                + TABLE + " (checksum, job) VALUES ('" + checksum + "', " + literal(job, "N") + ")");
      }
    };

    private final String wire;
    private final String opening;
    private final String end;
    private final String apply;
    private final String closing;

    Engine(String wire, String opening, String end, String apply, String closing) {
      this.wire = wire;
      this.opening = opening;
      this.end = end;
      this.apply = apply;
      this.closing = closing;
    }

    /** The engine of a spec's {@code target.engine}, or null when scripts are not written for it. */
    public static Engine of(String targetEngine) {
      for (Engine e : values()) {
        if (e.wire.equalsIgnoreCase(targetEngine)) {
          return e;
        }
      }
      return null;
    }

    /** The statement ended as this engine's scripts end one (a trailing semicolon of its own is not doubled). */
    String statement(String sql) {
      String s = sql.strip();
      return (s.endsWith(";") ? s.substring(0, s.length() - 1) : s) + end;
    }

    /** The statements that record {@code checksum} in {@link #TABLE}. */
    abstract String record(String job, String checksum);
  }

  private final String body;
  private final String checksum;
  private final String text;

  public SchemaScript(Engine engine, Header header, JsonNode plan) {
    this.body = body(engine, plan);
    this.checksum = sha256(body);
    this.text = header(engine, header) + engine.opening + BEGIN + "\n" + body + END + " sha256=" + checksum + "\n"
        + engine.record(header.job(), checksum) + engine.closing;
  }

  public String text() {
    return text;
  }

  public String checksum() {
    return checksum;
  }

  private static String header(Engine engine, Header h) {
    return "-- Ferry schema script: the target DDL of job " + h.job() + "\n"
        + "-- source: " + h.source() + "\n"
        + "-- planned as mode " + h.plannedMode() + "; run the job afterwards with mode preserve_schema\n"
        + "-- generated: " + h.generatedAt() + " by " + h.ferryVersion() + "\n"
        + "-- apply: " + engine.apply + "\n"
        + "-- checksum: SHA-256 of the lines between the body-begin and body-end markers, recorded in " + TABLE + "\n\n";
  }

  private static String body(Engine engine, JsonNode plan) {
    StringBuilder out = new StringBuilder();
    List<String> types = strings(plan.path("types"));
    if (!types.isEmpty()) {
      out.append("\n-- types and collations\n");
      types.forEach(s -> out.append(engine.statement(s)));
    }
    Set<String> foreignKeys = new LinkedHashSet<>();
    for (JsonNode table : plan.path("tables")) {
      out.append("\n-- table ").append(table.path("table").asText()).append(" (tenants ")
          .append(String.join(", ", strings(table.path("tenants")))).append(")\n");
      for (String warning : strings(table.path("warnings"))) {
        out.append(comment("warning: " + warning));
      }
      strings(table.path("ddl")).forEach(s -> out.append(engine.statement(s)));
      strings(table.path("finish")).forEach(s -> out.append(engine.statement(s)));
      foreignKeys.addAll(strings(table.path("foreignKeys")));
    }
    if (!foreignKeys.isEmpty()) {
      out.append("\n-- foreign keys, once every table exists\n");
      foreignKeys.forEach(s -> out.append(engine.statement(s)));
    }
    return out.toString();
  }

  /** A comment line per line of text: a warning can never end the comment and run as SQL. */
  static String comment(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\\R", -1)) {
      out.append("-- ").append(line).append('\n');
    }
    return out.toString();
  }

  /** A string literal ({@code prefix} {@code N} for a SQL Server Unicode one). */
  private static String literal(String value, String prefix) {
    return value == null ? "NULL" : prefix + "'" + value.replace("'", "''") + "'";
  }

  static String sha256(String body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
