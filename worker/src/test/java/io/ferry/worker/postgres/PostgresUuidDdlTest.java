package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.UuidColumn;
import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.UuidKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresUuidDdlTest {

  private static final TableName SCHOOLS = new TableName("dbo", "schools");
  private static final TableName STUDENTS = new TableName("dbo", "students");
  private static final TableName CODES = new TableName("dbo", "codes");

  private static SourceTable students() {
    return new SourceTable(STUDENTS, false, List.of(
        SourceColumn.plain("id", "integer", false),
        SourceColumn.plain("school_id", "integer", true),
        SourceColumn.plain("code", "character varying(10)", true)),
        List.of("id"), List.of(),
        List.of(new SourceForeignKey("fk_school", List.of("school_id"), SCHOOLS, List.of("id"), "NO ACTION", "NO ACTION", ""),
            new SourceForeignKey("fk_code", List.of("code"), CODES, List.of("code"), "NO ACTION", "NO ACTION", "")),
        10, 8192);
  }

  private static UuidKeys uuids() {
    return new UuidKeys("uuid", new UuidColumn("uuid", "dbo.students", List.of("id")),
        List.of(new UuidKeys.ForeignKey("fk_school", new UuidColumn("school_id_uuid", "dbo.schools", List.of("school_id")))));
  }

  private static TableDdl ddl(Mode mode) {
    TableName target = new TableName("app", "students");
    return PostgresDdl.build(new DdlRequest(students(), target, mode, "district_id",
        Map.of(STUDENTS, target, SCHOOLS, new TableName("app", "schools"), CODES, new TableName("app", "codes")), uuids()));
  }

  @Test
  void theUuidKeyFollowsTheTenantColumnAndForeignKeyUuidsComeLast() {
    assertThat(ddl(Mode.CREATE).prepare()).contains(
        "CREATE TABLE \"app\".\"students\" (\"district_id\" text NOT NULL, \"uuid\" uuid NOT NULL, \"id\" integer NOT NULL, "
            + "\"school_id\" integer, \"code\" character varying(10), \"school_id_uuid\" uuid)");
  }

  @Test
  void prepareCreatesTheRecomputingFunction() {
    assertThat(ddl(Mode.CREATE).prepare()).contains("CREATE SCHEMA IF NOT EXISTS ferry");
    assertThat(ddl(Mode.CREATE).prepare()).last().asString()
        .startsWith("CREATE OR REPLACE FUNCTION ferry.uuid_v5(tenant text, table_name text, source_key text[])")
        .contains("decode('9a203afc5dda5b5b9d8c2047bfe838b2', 'hex')", "'sha1'");
  }

  @Test
  void theUuidIsThePrimaryKeyAndTheSourceKeyStaysUniquePerTenant() {
    assertThat(ddl(Mode.CREATE).finish()).contains(
        "ALTER TABLE \"app\".\"students\" ADD PRIMARY KEY (\"uuid\")",
        "ALTER TABLE \"app\".\"students\" ADD CONSTRAINT \"students_source_key\" UNIQUE (\"district_id\", \"id\")");
  }

  @Test
  void appendAndUpsertCreateBothKeysUpFront() {
    assertThat(ddl(Mode.UPSERT).prepare()).anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS")
        .endsWith("\"school_id_uuid\" uuid, PRIMARY KEY (\"uuid\"), CONSTRAINT \"students_source_key\""
            + " UNIQUE (\"district_id\", \"id\"))"));
  }

  @Test
  void aForeignKeyToAPrimaryKeyReferencesItsUuidTheOthersStayComposite() {
    List<String> fks = ddl(Mode.CREATE).foreignKeys();
    assertThat(fks).hasSize(2);
    assertThat(fks.get(0)).contains("ADD CONSTRAINT \"fk_school\" FOREIGN KEY (\"school_id_uuid\")"
        + " REFERENCES \"app\".\"schools\" (\"uuid\") ON DELETE NO ACTION");
    assertThat(fks.get(1)).contains("ADD CONSTRAINT \"fk_code\" FOREIGN KEY (\"district_id\", \"code\")"
        + " REFERENCES \"app\".\"codes\" (\"district_id\", \"code\")");
  }

  @Test
  void finishRegistersTheTableInTheIdMap() {
    String idMap = ddl(Mode.CREATE).finish().stream().filter(s -> s.contains("ferry.id_map")).findFirst().orElseThrow();
    assertThat(idMap).contains("pg_advisory_xact_lock", "CREATE OR REPLACE VIEW ferry.id_map AS ",
        "'SELECT \"district_id\"::text AS tenant, ''dbo.students''::text AS table_name,"
            + " ARRAY[\"id\"::text COLLATE pg_catalog.\"default\"] AS source_key, \"uuid\" AS id,"
            + " ''app.students''::text AS target_table FROM \"app\".\"students\"'");
  }

  @Test
  void compositeKeysAddNothing() {
    TableName target = new TableName("app", "students");
    TableDdl ddl = PostgresDdl.build(new DdlRequest(students(), target, Mode.CREATE, "district_id",
        Map.of(STUDENTS, target, SCHOOLS, new TableName("app", "schools"))));
    assertThat(String.join("\n", ddl.prepare()) + String.join("\n", ddl.finish())).doesNotContain("uuid", "id_map");
    assertThat(ddl.finish()).contains("ALTER TABLE \"app\".\"students\" ADD PRIMARY KEY (\"district_id\", \"id\")");
  }
}
