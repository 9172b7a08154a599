package io.ferry.worker.postgres;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.SourcePartition;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Target DDL of partitioned tables, as pure functions of the source description.
 *
 * <p>The parent's prepare creates the parent with its {@code PARTITION BY} clause and then every
 * partition ({@code PARTITION OF … FOR VALUES …}, sub-partitions after their own parent), so the target
 * has the source's layout and each leaf can be loaded directly, in parallel, by its own copy units. The
 * tenant column is added to the parent only: partitions take their columns from it. The parent's finish
 * adds the primary key, unique constraints and indexes, which PostgreSQL creates on every partition too;
 * a leaf's own finish only analyzes it.
 */
final class PostgresPartitionDdl {

  private PostgresPartitionDdl() {
  }

  /** {@code " PARTITION BY RANGE (at)"} after a partitioned parent's column list; empty for other tables. */
  static String partitionBy(DdlRequest r) {
    return r.source().partitionKey() == null ? "" : " PARTITION BY " + r.source().partitionKey();
  }

  /** Every partition of a partitioned parent, each after its own parent; empty for other tables. */
  static List<String> partitions(DdlRequest r) {
    if (r.source().partitions().isEmpty()) {
      return List.of();
    }
    // Modes that create tables from scratch say so; the others keep what exists and create what is missing.
    boolean fresh = r.mode() == Mode.CREATE || r.mode() == Mode.DROP_RECREATE;
    Set<String> schemas = new LinkedHashSet<>();
    List<String> creates = new ArrayList<>();
    for (SourcePartition p : r.source().partitions()) {
      TableName table = target(r, p.name());
      TableName parent = p.parent().equals(r.source().name()) ? r.target() : target(r, p.parent());
      if (!table.schema().equals(r.target().schema())) {
        schemas.add("CREATE SCHEMA IF NOT EXISTS " + PgSql.ident(table.schema()));
      }
      if (r.mode() == Mode.DROP_RECREATE) {
        // Dropping the parent dropped its partitions; this only clears a same-named table left outside it.
        creates.add("DROP TABLE IF EXISTS " + PgSql.table(table) + " CASCADE");
      }
      creates.add("CREATE TABLE " + (fresh ? "" : "IF NOT EXISTS ") + PgSql.table(table) + " PARTITION OF "
          + PgSql.table(parent) + " " + p.bound() + (p.leaf() ? "" : " PARTITION BY " + p.partitionKey()));
    }
    List<String> out = new ArrayList<>(schemas);
    out.addAll(creates);
    return out;
  }

  /** A leaf partition's own statements: its parent creates it and gives it keys and indexes; it is only analyzed. */
  static TableDdl leaf(TableName target) {
    return new TableDdl(List.of(), List.of("ANALYZE " + PgSql.table(target)), List.of(), List.of());
  }

  /** The partition's target table: as the job maps it, else beside the parent when the job moves schemas. */
  private static TableName target(DdlRequest r, TableName source) {
    TableName mapped = r.jobTables().get(source);
    if (mapped != null) {
      return mapped;
    }
    boolean sameSchema = r.target().schema().equals(r.source().name().schema());
    return new TableName(sameSchema ? source.schema() : r.target().schema(), source.name());
  }
}
