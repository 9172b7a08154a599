package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One copied column. {@code name} is the column's name on the source (what reads select). {@code type}
 * is the column's full SQL type on the target ({@code numeric(12,2)}, {@code text[]}, {@code "Mood"}…) and
 * is used as-is in the target DDL. {@code handling}: null for plain binary passthrough, else how and why
 * the column is treated differently (e.g. "text: array of a user-defined type"), shown in the plan.
 * {@code collation}: the column's collation on the target ({@code "pg_catalog"."C"}) when it is not its
 * type's default, else null. {@code target}: the column's name on the target when it differs from the
 * source's (see {@code target.identifiers}), else null; plans stored without it name both sides alike.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnPlan(String name, String type, boolean nullable, String handling, String collation, String target) {

  public ColumnPlan(String name, String type, boolean nullable, String handling, String collation) {
    this(name, type, nullable, handling, collation, null);
  }

  /** The column's name on the target. */
  public String targetName() {
    return target == null ? name : target;
  }
}
