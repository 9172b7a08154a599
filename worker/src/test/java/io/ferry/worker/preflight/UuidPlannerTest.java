package io.ferry.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.KeyText;
import io.ferry.protocol.plan.UuidColumn;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.UuidKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UuidPlannerTest {

  private static final TableName COURSES = new TableName("dbo", "courses");
  private static final TableName ROOMS = new TableName("dbo", "rooms");
  private static final TableName LOG = new TableName("dbo", "log");
  private static final TableName OUTSIDE = new TableName("other", "t");
  private static final Map<TableName, List<String>> KEYS = Map.of(COURSES, List.of("code", "term"), ROOMS, List.of("id"),
      LOG, List.of());
  private static final Map<TableName, TableName> JOB = Map.of(COURSES, COURSES, ROOMS, ROOMS, LOG, LOG);

  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private static SourceTable table(List<String> primaryKey, List<SourceColumn> columns, SourceForeignKey... fks) {
    return new SourceTable(new TableName("dbo", "enrollments"), false, columns, primaryKey, List.of(), List.of(fks), 0, 0);
  }

  private static SourceForeignKey fk(String name, List<String> columns, TableName parent, List<String> referenced) {
    return new SourceForeignKey(name, columns, parent, referenced, "NO ACTION", "NO ACTION", "");
  }

  private UuidKeys plan(SourceTable table) {
    return new UuidPlanner("uuid").plan(table, JOB, t -> t.equals(table.name()) ? UuidPlanner.Key.exact(table.primaryKey())
        : UuidPlanner.Key.exact(KEYS.get(t)), problems, warnings);
  }

  @Test
  void aForeignKeysUuidTakesItsValuesInTheParentsKeyOrder() {
    UuidKeys keys = plan(table(List.of("id"), List.of(SourceColumn.plain("id", "integer", false),
        SourceColumn.plain("c_term", "integer", true), SourceColumn.plain("c_code", "character varying(10)", true)),
        fk("fk_course", List.of("c_term", "c_code"), COURSES, List.of("term", "code"))));
    assertThat(keys.key()).isEqualTo(new UuidColumn("uuid", "dbo.enrollments", List.of("id")));
    assertThat(keys.foreignKey("fk_course")).contains(new UuidColumn("c_term_c_code_uuid", "dbo.courses",
        List.of("c_code", "c_term")));
    assertThat(problems).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void foreignKeysToAnythingButAJobTablesPrimaryKeyStayComposite() {
    UuidKeys keys = plan(table(List.of("id"), List.of(SourceColumn.plain("id", "integer", false),
        SourceColumn.plain("room_no", "integer", true), SourceColumn.plain("o", "integer", true)),
        fk("fk_room_no", List.of("room_no"), ROOMS, List.of("number")), fk("fk_out", List.of("o"), OUTSIDE, List.of("id"))));
    assertThat(keys.foreignKeys()).isEmpty();
    assertThat(warnings).singleElement().asString().contains("fk_room_no", "not its primary key");
  }

  @Test
  void aTableWithoutPrimaryKeyGetsNoKeyButItsForeignKeysStillGetUuids() {
    UuidKeys keys = plan(table(List.of(), List.of(SourceColumn.plain("room_id", "bigint", true)),
        fk("fk_room", List.of("room_id"), ROOMS, List.of("id"))));
    assertThat(keys.key()).isNull();
    assertThat(keys.columns()).extracting(UuidColumn::name).containsExactly("room_id_uuid");
    assertThat(warnings).singleElement().asString().contains("has no primary key");
  }

  @Test
  void takenNamesAndKeysWithoutCanonicalTextAreProblems() {
    plan(table(List.of("at"), List.of(SourceColumn.plain("at", "timestamp(6) without time zone", false),
        SourceColumn.plain("uuid", "integer", true))));
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("already has a column named uuid", "choose another target.uuidColumn");
    assertThat(problems.get(1)).contains("column at (timestamp(6) without time zone) cannot feed the UUID column uuid");
  }

  /**
   * A foreign key's values are made canonical by the rules of the parent's key columns (their collation),
   * whatever the referencing columns' own collation: both sides then name the same UUID.
   */
  @Test
  void aForeignKeysValuesTakeTheParentKeysTextRules() {
    UuidPlanner.Key courses = new UuidPlanner.Key(List.of("code", "term"), List.of(KeyText.CI_AS, KeyText.EXACT));
    SourceTable table = table(List.of("id"), List.of(SourceColumn.plain("id", "integer", false),
        SourceColumn.plain("c_term", "integer", true), SourceColumn.plain("c_code", "character varying(10)", true)),
        fk("fk_course", List.of("c_term", "c_code"), COURSES, List.of("term", "code")));
    UuidKeys keys = new UuidPlanner("uuid").plan(table, JOB, t -> t.equals(COURSES) ? courses
        : UuidPlanner.Key.exact(List.of("id")), problems, warnings);
    assertThat(keys.foreignKey("fk_course")).contains(new UuidColumn("c_term_c_code_uuid", "dbo.courses",
        List.of("c_code", "c_term"), List.of(KeyText.CI_AS, KeyText.EXACT)));
    assertThat(keys.key().text()).containsExactly(KeyText.EXACT);
    UuidKeys renamed = UuidPlanner.renamed(keys, String::toUpperCase, String::toUpperCase);
    assertThat(renamed.foreignKeys().get(0).column().text()).containsExactly(KeyText.CI_AS, KeyText.EXACT);
  }
}
