package io.ferry.worker.dialect;

/**
 * A table's CHECK constraint.
 *
 * @param definition the constraint as the source prints it ({@code CHECK ((qty >= 0))}, with {@code NOT VALID}
 *                   or {@code NO INHERIT} when it has them): it names only the table's own columns, so it
 *                   holds unchanged on a target table with a tenant column in front
 */
public record SourceCheck(String name, String definition) {
}
