package io.ferry.worker.dialect;

import io.ferry.protocol.spec.Mode;
import java.util.Map;

/**
 * Everything a target dialect needs to write one table's DDL.
 *
 * @param tenantColumn the column the target adds in front of every table (null: none)
 * @param jobTables    every source table of this tenant in the job, to its target table; a foreign key
 *                     to a table outside the job cannot be recreated
 * @param uuids        with {@code target.keys: uuid}: the table's UUID key and foreign-key columns; null
 *                     for composite keys
 */
public record DdlRequest(SourceTable source, TableName target, Mode mode, String tenantColumn,
                         Map<TableName, TableName> jobTables, UuidKeys uuids) {

  /** A request for composite keys. */
  public DdlRequest(SourceTable source, TableName target, Mode mode, String tenantColumn,
      Map<TableName, TableName> jobTables) {
    this(source, target, mode, tenantColumn, jobTables, null);
  }
}
