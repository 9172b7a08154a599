package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One copied column. {@code type} is the column's full SQL type as the source prints it
 * ({@code numeric(12,2)}, {@code text[]}, {@code "Mood"}…) and is used as-is in the target DDL.
 * {@code handling}: null for plain binary passthrough, else how and why the column is treated
 * differently (e.g. "text: array of a user-defined type"), shown in the plan.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnPlan(String name, String type, boolean nullable, String handling) {

  public ColumnPlan(String name, String type, boolean nullable) {
    this(name, type, nullable, null);
  }
}
