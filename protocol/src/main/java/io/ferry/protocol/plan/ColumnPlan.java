package io.ferry.protocol.plan;

/**
 * One copied column. {@code type} is the column's full SQL type as the source prints it
 * ({@code numeric(12,2)}, {@code text[]}, …) and is used as-is in the target DDL.
 */
public record ColumnPlan(String name, String type, boolean nullable) {
}
