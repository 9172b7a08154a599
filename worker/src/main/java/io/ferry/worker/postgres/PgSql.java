package io.ferry.worker.postgres;

import io.ferry.worker.dialect.TableName;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** PostgreSQL SQL text helpers. Every identifier Ferry writes goes through {@link #ident}. */
public final class PgSql {

  /** SQLSTATE of a statement that would leave rows referencing rows that are gone. */
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  /** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1 bytes). */
  static final int MAX_IDENTIFIER_BYTES = 63;

  private PgSql() {
  }

  /** Always quoted, so mixed case, spaces, quotes and reserved words survive unchanged. */
  public static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  public static String table(TableName table) {
    return ident(table.schema()) + "." + ident(table.name());
  }

  /**
   * A table's own rows, for reads of a table that is not partitioned: without {@code ONLY}, an inheritance
   * parent also returns its children's rows, and the children are copied as tables of their own.
   */
  public static String ownRows(TableName table) {
    return "ONLY " + table(table);
  }

  public static String idents(List<String> names) {
    return names.stream().map(PgSql::ident).collect(Collectors.joining(", "));
  }

  /**
   * A string literal that reads the same whatever {@code standard_conforming_strings} says: with a
   * backslash in the value we use the escape-string form, where doubling backslashes is always right.
   */
  public static String literal(String value) {
    String quoted = value.replace("'", "''");
    if (value.indexOf('\\') >= 0) {
      return "E'" + quoted.replace("\\", "\\\\") + "'";
    }
    return "'" + quoted + "'";
  }

  /**
   * A name PostgreSQL will keep as written: names longer than 63 bytes are cut and given a hash suffix,
   * so two long names that share a prefix stay distinct instead of being truncated to the same name.
   */
  static String fitIdentifier(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_IDENTIFIER_BYTES) {
      return name;
    }
    String hash = HexFormat.of().formatHex(sha1(bytes), 0, 4);
    StringBuilder cut = new StringBuilder();
    int used = 0;
    for (int cp : name.codePoints().toArray()) {
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + size > MAX_IDENTIFIER_BYTES - 9) {
        break;
      }
      cut.appendCodePoint(cp);
      used += size;
    }
    return cut + "_" + hash;
  }

  private static byte[] sha1(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-1").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
