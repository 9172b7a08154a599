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
 * them), then the statements that record the body's checksum in {@code ferry.schema_scripts}.
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

  private final String body;
  private final String checksum;
  private final String text;

  public SchemaScript(Header header, JsonNode plan) {
    this.body = body(plan);
    this.checksum = sha256(body);
    this.text = header(header) + BEGIN + "\n" + body + END + " sha256=" + checksum + "\n" + record(header.job(), checksum);
  }

  public String text() {
    return text;
  }

  public String checksum() {
    return checksum;
  }

  private static String header(Header h) {
    return "-- Ferry schema script: the target DDL of job " + h.job() + "\n"
        + "-- source: " + h.source() + "\n"
        + "-- planned as mode " + h.plannedMode() + "; run the job afterwards with mode preserve_schema\n"
        + "-- generated: " + h.generatedAt() + " by " + h.ferryVersion() + "\n"
        + "-- apply: psql -v ON_ERROR_STOP=1 --single-transaction -f FILE.sql\n"
        + "-- checksum: SHA-256 of the lines between the body-begin and body-end markers, recorded in " + TABLE + "\n\n";
  }

  private static String body(JsonNode plan) {
    StringBuilder out = new StringBuilder();
    List<String> types = strings(plan.path("types"));
    if (!types.isEmpty()) {
      out.append("\n-- types and collations\n");
      types.forEach(s -> out.append(statement(s)));
    }
    Set<String> foreignKeys = new LinkedHashSet<>();
    for (JsonNode table : plan.path("tables")) {
      out.append("\n-- table ").append(table.path("table").asText()).append(" (tenants ")
          .append(String.join(", ", strings(table.path("tenants")))).append(")\n");
      for (String warning : strings(table.path("warnings"))) {
        out.append(comment("warning: " + warning));
      }
      strings(table.path("ddl")).forEach(s -> out.append(statement(s)));
      strings(table.path("finish")).forEach(s -> out.append(statement(s)));
      foreignKeys.addAll(strings(table.path("foreignKeys")));
    }
    if (!foreignKeys.isEmpty()) {
      out.append("\n-- foreign keys, once every table exists\n");
      foreignKeys.forEach(s -> out.append(statement(s)));
    }
    return out.toString();
  }

  /** The statement ended by a semicolon and a line break (a trailing one of its own is not doubled). */
  static String statement(String sql) {
    String s = sql.strip();
    return s.endsWith(";") ? s + "\n" : s + ";\n";
  }

  /** A comment line per line of text: a warning can never end the comment and run as SQL. */
  static String comment(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\\R", -1)) {
      out.append("-- ").append(line).append('\n');
    }
    return out.toString();
  }

  private static String record(String job, String checksum) {
    return "CREATE SCHEMA IF NOT EXISTS ferry;\n"
        + "CREATE TABLE IF NOT EXISTS " + TABLE + " (checksum text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(),"
        + " job text);\n"
        + "INSERT INTO " + TABLE + " (checksum, job) VALUES ('" + checksum + "', " + literal(job)
        + ") ON CONFLICT (checksum) DO NOTHING;\n";
  }

  private static String literal(String value) {
    return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
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
