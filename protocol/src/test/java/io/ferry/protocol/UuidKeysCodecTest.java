package io.ferry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.KeyText;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.plan.UuidColumn;
import io.ferry.protocol.spec.SpecReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code target.keys}, {@code target.uuidColumn} and a plan's UUID columns on the wire. */
class UuidKeysCodecTest {

  @Test
  void aSpecReadsItsKeyStrategyAndUuidColumn() {
    SpecReader.Result result = SpecReader.read("""
        name: d
        source: { engine: sqlserver, tenants: [{ id: d1, url: "jdbc:sqlserver://h;databaseName=d1", user: u }] }
        target: { engine: postgresql, url: "jdbc:postgresql://h/t", user: u, tenantColumn: district_id, keys: uuid,
                  uuidColumn: row_id }
        """, true);
    assertThat(result.problems()).isEmpty();
    assertThat(result.spec().target().uuidKeys()).isTrue();
    assertThat(result.spec().target().uuidColumnOrDefault()).isEqualTo("row_id");
    assertThat(result.spec().target().withoutSecrets().keys()).isEqualTo("uuid");
  }

  @Test
  void aPlansUuidColumnsRoundTripAndAnOlderPlanHasNone() {
    TablePlan plan = new TablePlan("d1", "dbo.students", "app.students", List.of(new ColumnPlan("id", "integer", false, null, null)),
        new SplitPlan(List.of("id"), List.of("integer"), false, List.of(true), SplitMethod.PRIMARY_KEY, List.of(), "exact"),
        10, 20, CopyFormat.BINARY, null, new TargetDdl(List.of(), List.of(), List.of(), List.of()), false, false, 0, List.of(),
        List.of(new UuidColumn("uuid", "dbo.students", List.of("id")),
            new UuidColumn("school_id_uuid", "dbo.schools", List.of("school_id")),
            new UuidColumn("course_uuid", "dbo.courses", List.of("code", "term"), List.of(KeyText.CI_AS, KeyText.EXACT))));
    String json = Json.encode(plan);
    assertThat(json).contains("\"text\":[\"ci_as\",\"exact\"]");
    assertThat(Json.decode(json, TablePlan.class)).isEqualTo(plan);
    // A plan from before the text rules takes every value as it is.
    UuidColumn untexted = Json.decode("{\"name\":\"uuid\",\"table\":\"dbo.t\",\"from\":[\"a\",\"b\"]}", UuidColumn.class);
    assertThat(untexted.text()).containsExactly(KeyText.EXACT, KeyText.EXACT);
    String older = json.replaceAll(",\"uuids\":\\[.*?\\}\\]", "");
    assertThat(older).doesNotContain("uuids");
    assertThat(Json.decode(older, TablePlan.class).uuids()).isEmpty();
  }
}
