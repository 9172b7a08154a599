package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourcePartition;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresPartitionDdlTest {

  private static final TableName EVENTS = new TableName("public", "events");
  private static final TableName JAN = new TableName("public", "events_2024_01");
  private static final TableName FEB = new TableName("public", "events_2024_02");
  private static final TableName FEB_0 = new TableName("archive", "events_2024_02_h0");
  private static final TableName OTHER = new TableName("public", "events_other");

  private static SourceTable events() {
    return new SourceTable(EVENTS, true, List.of(SourceColumn.plain("id", "bigint", false),
        SourceColumn.plain("at", "date", false)), List.of("id", "at"), List.of(), List.of(), 0, 0, "RANGE (at)", List.of(
            new SourcePartition(JAN, EVENTS, "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')", null),
            new SourcePartition(FEB, EVENTS, "FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')", "HASH (id)"),
            new SourcePartition(OTHER, EVENTS, "DEFAULT", null),
            new SourcePartition(FEB_0, FEB, "FOR VALUES WITH (modulus 2, remainder 0)", null)));
  }

  private static TableDdl ddl(Mode mode, String schema) {
    TableName target = new TableName(schema, "events");
    Map<TableName, TableName> tables = schema.equals("public")
        ? Map.of(EVENTS, target, JAN, JAN, FEB, FEB, FEB_0, FEB_0, OTHER, OTHER)
        : Map.of(EVENTS, target, JAN, new TableName(schema, JAN.name()), FEB, new TableName(schema, FEB.name()),
            FEB_0, new TableName(schema, FEB_0.name()), OTHER, new TableName(schema, OTHER.name()));
    return PostgresDdl.build(new DdlRequest(events(), target, mode, "tenant_id", tables));
  }

  @Test
  void theParentIsCreatedPartitionedAndEveryPartitionAfterItsOwnParent() {
    assertThat(ddl(Mode.CREATE, "public").prepare()).containsExactly(
        "CREATE SCHEMA IF NOT EXISTS \"public\"",
        "CREATE TABLE \"public\".\"events\" (\"tenant_id\" text NOT NULL, \"id\" bigint NOT NULL, \"at\" date NOT NULL)"
            + " PARTITION BY RANGE (at)",
        "CREATE SCHEMA IF NOT EXISTS \"archive\"",
        "CREATE TABLE \"public\".\"events_2024_01\" PARTITION OF \"public\".\"events\" FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')",
        "CREATE TABLE \"public\".\"events_2024_02\" PARTITION OF \"public\".\"events\" FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')"
            + " PARTITION BY HASH (id)",
        "CREATE TABLE \"public\".\"events_other\" PARTITION OF \"public\".\"events\" DEFAULT",
        "CREATE TABLE \"archive\".\"events_2024_02_h0\" PARTITION OF \"public\".\"events_2024_02\""
            + " FOR VALUES WITH (modulus 2, remainder 0)");
  }

  @Test
  void partitionsFollowTheParentIntoTheTargetSchemaAndKeepExistingTablesInTruncateMode() {
    List<String> prepare = ddl(Mode.TRUNCATE, "app").prepare();
    assertThat(prepare).contains(
        "CREATE TABLE IF NOT EXISTS \"app\".\"events\" (\"tenant_id\" text NOT NULL, \"id\" bigint NOT NULL, \"at\" date NOT NULL)"
            + " PARTITION BY RANGE (at)",
        "CREATE TABLE IF NOT EXISTS \"app\".\"events_2024_02_h0\" PARTITION OF \"app\".\"events_2024_02\""
            + " FOR VALUES WITH (modulus 2, remainder 0)");
    assertThat(prepare).noneMatch(s -> s.contains("archive"));
    assertThat(ddl(Mode.DROP_RECREATE, "app").prepare()).containsSubsequence(
        "DROP TABLE IF EXISTS \"app\".\"events\" CASCADE",
        "DROP TABLE IF EXISTS \"app\".\"events_2024_01\" CASCADE",
        "CREATE TABLE \"app\".\"events_2024_01\" PARTITION OF \"app\".\"events\" FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')");
  }

  @Test
  void theParentsFinishBuildsTheKeysThatPropagateAndALeafIsOnlyAnalyzed() {
    assertThat(ddl(Mode.CREATE, "public").finish())
        .contains("ALTER TABLE \"public\".\"events\" ADD PRIMARY KEY (\"tenant_id\", \"id\", \"at\")");
    TableDdl leaf = PostgresPartitionDdl.leaf(JAN);
    assertThat(leaf.prepare()).isEmpty();
    assertThat(leaf.finish()).containsExactly("ANALYZE \"public\".\"events_2024_01\"");
    assertThat(leaf.foreignKeys()).isEmpty();
  }

  @Test
  void tablesThatAreNotPartitionedGetNoPartitionClause() {
    SourceTable plain = new SourceTable(new TableName("public", "t"), false, List.of(SourceColumn.plain("a", "int", true)),
        List.of(), List.of(), List.of(), 0, 0);
    DdlRequest r = new DdlRequest(plain, plain.name(), Mode.CREATE, null, Map.of());
    assertThat(PostgresPartitionDdl.partitionBy(r)).isEmpty();
    assertThat(PostgresPartitionDdl.partitions(r)).isEmpty();
  }
}
