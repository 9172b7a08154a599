package io.ferry.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One copied column. {@code type} is the column's full SQL type as the source prints it
 * ({@code numeric(12,2)}, {@code text[]}, {@code "Mood"}…) and is used as-is in the target DDL.
 * {@code handling}: null for plain binary passthrough, else how and why the column is treated
 * differently (e.g. "text: array of a user-defined type"), shown in the plan. {@code collation}: the
 * column's collation on the target ({@code "pg_catalog"."C"}) when it is not its type's default, else null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnPlan(String name, String type, boolean nullable, String handling, String collation) {
}
