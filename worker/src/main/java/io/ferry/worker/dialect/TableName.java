package io.ferry.worker.dialect;

import java.util.Objects;

/**
 * A table by its unquoted schema and name. Plans carry tables as {@code schema.table} text; the text
 * form splits at the first dot, so a schema name containing a dot cannot be expressed (a table name can).
 */
public record TableName(String schema, String name) {

  public TableName {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
  }

  public static TableName parse(String qualified) {
    int dot = qualified.indexOf('.');
    if (dot <= 0 || dot == qualified.length() - 1) {
      throw new IllegalArgumentException("expected schema.table, got '" + qualified + "'");
    }
    return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
