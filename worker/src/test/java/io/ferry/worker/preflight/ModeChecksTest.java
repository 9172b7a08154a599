package io.ferry.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.ExistingTable;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TargetState;
import io.ferry.worker.dialect.TypeMapping;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModeChecksTest {

  private static final TableName TARGET = new TableName("app", "people");
  private static final TargetState MISSING = new TargetState(false, false);
  private static final TargetState FULL = new TargetState(true, true);

  private static SourceTable people(List<String> primaryKey) {
    return new SourceTable(new TableName("public", "people"), false, List.of(
        SourceColumn.plain("id", "bigint", false), SourceColumn.plain("name", "text", true),
        SourceColumn.plain("mood", "mood", true),
        new SourceColumn("upper_name", "text", true, null, "upper(name)", null, null)),
        primaryKey, List.of(), List.of(), 10, 8192);
  }

  private static TypeMapping types(SourceTable table) {
    return TypeMapping.identity(table);
  }

  private static ExistingTable existing(Map<String, ExistingTable.Column> columns, List<Set<String>> unique) {
    return new ExistingTable(columns, unique, List.of());
  }

  private static Map<String, ExistingTable.Column> matchingColumns() {
    Map<String, ExistingTable.Column> columns = new LinkedHashMap<>();
    columns.put("tenant_id", new ExistingTable.Column("text", false, false));
    columns.put("id", new ExistingTable.Column("bigint", false, false));
    columns.put("name", new ExistingTable.Column("text", true, false));
    columns.put("mood", new ExistingTable.Column("mood", true, false));
    columns.put("upper_name", new ExistingTable.Column("text", true, true));
    return columns;
  }

  private static ModeChecks.Result check(Mode mode, SourceTable source, TargetState state, ExistingTable existing, boolean sameTable) {
    return new ModeChecks(mode, "tenant_id").check("a", source, TARGET, types(source), state, existing, sameTable, List.of());
  }

  @Test
  void aTableCopiedOntoItselfIsRefusedInEveryModeAndTheErrorListsTheModes() {
    for (Mode mode : Mode.values()) {
      ModeChecks.Result r = check(mode, people(List.of("id")), FULL, null, true);
      assertThat(r.problems()).as(mode.wireName()).singleElement().asString()
          .contains("would be copied onto itself", "same database", "target.schema")
          .contains(Mode.UPSERT.wireName() + ": " + Mode.UPSERT.description());
    }
  }

  @Test
  void createRefusesAnExistingTableAndExplainsTheOtherModes() {
    ModeChecks.Result r = check(Mode.CREATE, people(List.of("id")), FULL, null, false);
    assertThat(r.problems()).isEmpty();
    assertThat(r.createConflict()).isEqualTo("app.people (holds rows)");
    assertThat(ModeChecks.createConflict(List.of(r.createConflict())))
        .startsWith("mode create never writes into an existing table, and 1 target table exists: app.people (holds rows). ")
        .contains("drop_recreate: " + Mode.DROP_RECREATE.description(), "append: ", "upsert: ", "preserve_schema: ", "truncate: ")
        .doesNotContain("; create: ", "them: create: ");
    assertThat(check(Mode.CREATE, people(List.of("id")), MISSING, null, false).createConflict()).isNull();
  }

  /** With {@code target.keys: uuid} the copy writes the UUID columns too: NOT NULL ones need no default. */
  @Test
  void theUuidColumnsTheCopyWritesNeedNoDefault() {
    Map<String, ExistingTable.Column> columns = new LinkedHashMap<>(matchingColumns());
    columns.put("uuid", new ExistingTable.Column("uuid", false, false));
    ExistingTable table = existing(columns, List.of(Set.of("tenant_id", "id")));
    SourceTable source = people(List.of("id"));
    for (Mode mode : List.of(Mode.PRESERVE_SCHEMA, Mode.TRUNCATE, Mode.APPEND, Mode.UPSERT)) {
      assertThat(new ModeChecks(mode, "tenant_id").check("a", source, TARGET, types(source), FULL, table, false,
          List.of("uuid")).problems()).as(mode.wireName()).isEmpty();
      assertThat(check(mode, source, FULL, table, false).problems()).as(mode.wireName()).containsExactly(
          "target column app.people.uuid is NOT NULL without a default, and the source has no such column to fill it");
    }
  }

  @Test
  void preserveSchemaReportsEveryDifferenceAtOnce() {
    Map<String, ExistingTable.Column> drifted = new LinkedHashMap<>();
    drifted.put("id", new ExistingTable.Column("integer", false, false));
    drifted.put("mood", new ExistingTable.Column("text", true, true));
    drifted.put("extra", new ExistingTable.Column("date", false, false));
    drifted.put("optional", new ExistingTable.Column("date", true, false));
    ModeChecks.Result r = check(Mode.PRESERVE_SCHEMA, people(List.of("id")), FULL, existing(drifted, List.of()), false);
    assertThat(r.problems()).containsExactly(
        "target table app.people has no column tenant_id (target.tenantColumn)",
        "target column app.people.id is integer, the source column is bigint: the types must match",
        "target table app.people has no column name (text in the source)",
        "target column app.people.mood is generated: the source's values cannot be written into it",
        "target column app.people.extra is NOT NULL without a default, and the source has no such column to fill it");
    assertThat(check(Mode.PRESERVE_SCHEMA, people(List.of("id")), MISSING, null, false).problems()).singleElement()
        .asString().contains("does not exist; mode preserve_schema only writes into existing tables");
    assertThat(check(Mode.PRESERVE_SCHEMA, people(List.of("id")), FULL, existing(matchingColumns(), List.of()), false).problems())
        .isEmpty();
  }

  @Test
  void preserveSchemaWarnsThatForeignKeysAmongTheJobsTablesAreDroppedForTheCopy() {
    ExistingTable withKeys = new ExistingTable(matchingColumns(), List.of(), List.of("people_team_fk"));
    ModeChecks.Result r = check(Mode.PRESERVE_SCHEMA, people(List.of("id")), FULL, withKeys, false);
    assertThat(r.problems()).isEmpty();
    assertThat(r.warnings()).singleElement().asString()
        .contains("[people_team_fk]", "dropped for the copy and restored by the job's last finish", "to other tables stay")
        .doesNotContain("DEFERRABLE");
    assertThat(check(Mode.PRESERVE_SCHEMA, people(List.of("id")), FULL, existing(matchingColumns(), List.of()), false)
        .warnings()).isEmpty();
  }

  @Test
  void upsertNeedsASourceKeyAndAMatchingUniqueIndexOnAnExistingTarget() {
    assertThat(check(Mode.UPSERT, people(List.of()), MISSING, null, false).problems()).singleElement().asString()
        .contains("has no primary key; mode upsert needs one");
    assertThat(check(Mode.UPSERT, people(List.of("id")), MISSING, null, false).problems()).isEmpty();
    assertThat(check(Mode.UPSERT, people(List.of("id")), FULL, existing(matchingColumns(), List.of(Set.of("id"))), false).problems())
        .singleElement().asString()
        .isEqualTo("target table app.people has no primary key or unique index on exactly (tenant_id, id); mode upsert needs"
            + " one to find existing rows (ON CONFLICT): add it, or use mode truncate");
    assertThat(check(Mode.UPSERT, people(List.of("id")), FULL,
        existing(matchingColumns(), List.of(Set.of("id", "tenant_id"))), false).problems()).isEmpty();
  }

  @Test
  void appendWarnsWhenDuplicatesCannotBeDetected() {
    ModeChecks.Result r = check(Mode.APPEND, people(List.of("id")), FULL, existing(matchingColumns(), List.of()), false);
    assertThat(r.problems()).isEmpty();
    assertThat(r.warnings()).singleElement().asString().contains("cannot detect duplicate rows");
    assertThat(check(Mode.APPEND, people(List.of("id")), FULL, existing(matchingColumns(), List.of(Set.of("tenant_id", "id"))),
        false).warnings()).isEmpty();
  }

  @Test
  void truncateAppendAndUpsertCheckAnExistingTableTooButDropRecreateDoesNot() {
    Map<String, ExistingTable.Column> drifted = new LinkedHashMap<>(matchingColumns());
    drifted.remove("name");
    for (Mode mode : List.of(Mode.TRUNCATE, Mode.APPEND, Mode.UPSERT)) {
      assertThat(check(mode, people(List.of("id")), FULL, existing(drifted, List.of(Set.of("tenant_id", "id"))), false).problems())
          .as(mode.wireName()).containsExactly("target table app.people has no column name (text in the source)");
    }
    assertThat(check(Mode.DROP_RECREATE, people(List.of("id")), FULL, existing(drifted, List.of()), false).problems()).isEmpty();
  }

  @Test
  void anExistingColumnWithAnotherCollationIsAWarning() {
    SourceTable source = people(List.of("id"));
    TypeMapping types = new TypeMapping(List.of(), Map.of(
        "id", new TypeMapping.ColumnType("bigint", null, "bigint"),
        "name", new TypeMapping.ColumnType("text", null, "text", "\"pg_catalog\".\"C\""),
        "mood", new TypeMapping.ColumnType("mood", null, "mood")), List.of());
    Map<String, ExistingTable.Column> columns = new LinkedHashMap<>(matchingColumns());
    columns.put("mood", new ExistingTable.Column("mood", true, false, "\"app\".\"ci\""));
    ModeChecks.Result r = new ModeChecks(Mode.APPEND, "tenant_id").check("a", source, TARGET, types, FULL,
        existing(columns, List.of(Set.of("tenant_id", "id"))), false, List.of());
    assertThat(r.problems()).isEmpty();
    assertThat(r.warnings()).containsExactly(
        "target column app.people.name has collation its type's default, the source column \"pg_catalog\".\"C\": values are"
            + " ordered and compared as the target says",
        "target column app.people.mood has collation \"app\".\"ci\", the source column its type's default: values are"
            + " ordered and compared as the target says");
  }
}
