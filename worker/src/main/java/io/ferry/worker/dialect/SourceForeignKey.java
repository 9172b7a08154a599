package io.ferry.worker.dialect;

import java.util.List;

/**
 * A foreign key of a source table.
 *
 * @param onDelete  referential action SQL ({@code NO ACTION}, {@code CASCADE}, …)
 * @param deferrable SQL suffix such as {@code DEFERRABLE INITIALLY DEFERRED}, or empty
 */
public record SourceForeignKey(String name, List<String> columns, TableName referencedTable,
                               List<String> referencedColumns, String onDelete, String onUpdate,
                               String deferrable) {
}
