package io.ferry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.message.ClaimReply;
import io.ferry.protocol.message.UnitResult;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.SplitPlan;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.plan.TargetDdl;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.Slice;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Everything on the bus is JSON: each record must come back equal after a round trip. */
class CodecTest {

  static final WorkUnit UNIT = WorkUnit.create("copy:a:public.t:0001", "job-1", UnitKind.COPY,
      new Slice("a", "s.t", "public.t", new KeyRange(List.of("100"), null), 10, 20), UnitState.PENDING);

  @Test
  void workUnitsRoundTripWithWireNames() {
    String json = Json.encode(UNIT);
    assertThat(json).contains("\"kind\":\"copy\"").contains("\"state\":\"pending\"").contains("\"lower\":[\"100\"]");
    assertThat(Json.decode(json, WorkUnit.class)).isEqualTo(UNIT);
  }

  @Test
  void verifyFindingsRoundTripInAUnitResult() {
    VerifyFindings findings = new VerifyFindings(10, 9, 3, 2, 2, List.of(
        new VerifyFindings.Difference(VerifyFindings.Kind.MISSING, List.of("7"), null),
        new VerifyFindings.Difference(VerifyFindings.Kind.DIFFERENT, List.of("8"), List.of("name"))), null);
    UnitResult result = new UnitResult("job-1", "verify:a:public.t:0001", 2, "w1", true, 10, 0, null, false, 0, findings);
    String json = Json.encode(result);
    assertThat(json).contains("\"kind\":\"missing\"").contains("\"kind\":\"different\"");
    assertThat(Json.decode(json, UnitResult.class)).isEqualTo(result);
    assertThat(findings.clean()).isFalse();
    assertThat(new VerifyFindings(5, 5, 1, 0, 0, null, null).clean()).isTrue();
    assertThat(new UnitResult("j", "u", 1, "w", true, 1, 1, null, false, 0).findings()).isNull();
    assertThat(findings.rejected()).isEmpty();

    VerifyFindings job = VerifyFindings.jobChecks("job checks", List.of(new VerifyFindings.TableRows("a", "app.items", 6)),
        List.of(new VerifyFindings.Orphans("b", "app.orders", "orders_customer_fk", "app.customers", 2,
            List.of(List.of("7"), List.of("9")))));
    UnitResult jobResult = new UnitResult("job-1", "verify:*", 1, "w1", true, 0, 0, null, false, 0, job);
    assertThat(Json.decode(Json.encode(jobResult), UnitResult.class)).isEqualTo(jobResult);
    assertThat(job.clean()).as("an orphaned row is a difference").isFalse();
    VerifyFindings old = Json.decode("{\"sourceRows\":1,\"targetRows\":1,\"ranges\":1,\"mismatchedRanges\":0,"
        + "\"differenceCount\":0}", VerifyFindings.class);
    assertThat(old.rejected()).as("findings written without the field").isEmpty();
    assertThat(old.orphans()).as("findings written without the field").isEmpty();
    assertThat(Json.encode(findings)).as("a range's findings carry no job checks").doesNotContain("orphans");
  }

  @Test
  void leasesRaiseTheEpochAndRenewalsDoNot() {
    WorkUnit leased = UNIT.leased("w1", 1000);
    assertThat(leased.lease().epoch()).isEqualTo(UNIT.lease().epoch() + 1);
    assertThat(leased.state()).isEqualTo(UnitState.LEASED);
    assertThat(leased.renewed(2000).lease().epoch()).isEqualTo(leased.lease().epoch());
    assertThat(leased.withState(UnitState.PENDING).lease().workerId()).isNull();
  }

  @Test
  void assignmentsRoundTrip() {
    TablePlan plan = new TablePlan("a", "public.t", "s.t", List.of(new ColumnPlan("id", "bigint", false, null, null)),
        new SplitPlan(List.of("id"), List.of("bigint"), false, List.of(true), SplitMethod.PRIMARY_KEY, List.of(List.of("1"), List.of("5")), "histogram"),
        10, 20, io.ferry.protocol.plan.CopyFormat.BINARY, null,
        new TargetDdl(List.of(), List.of("CREATE TABLE x"), List.of(), List.of()),
        false, false, 0, List.of());
    ClaimReply reply = new ClaimReply(List.of(new Assignment(UNIT, plan, new Endpoint("postgresql", "jdbc:postgresql://h/s", "u", "${env:P}"),
        new Endpoint("postgresql", "jdbc:postgresql://h/t", "u", null), "tenant_id", List.of(), 50_000, 1 << 20, null, List.of(), null),
        new Assignment(UNIT, plan, new Endpoint("postgresql", "jdbc:postgresql://h/s", "u", null),
        new Endpoint("postgresql", "jdbc:postgresql://h/t", "u", null), "tenant_id", List.of(), 50_000, 1 << 20,
        io.ferry.protocol.spec.Mode.UPSERT, List.of(), io.ferry.protocol.spec.RowErrorPolicy.REJECT,
        List.of("s.t", "s.u"))));
    assertThat(Json.decode(Json.encode(reply), ClaimReply.class)).isEqualTo(reply);
    assertThat(Json.encode(reply)).contains("\"mode\":\"upsert\"").contains("\"onRowError\":\"reject\"");
    assertThat(reply.assignments().get(0).onRowError()).as("unset means fail").isEqualTo(io.ferry.protocol.spec.RowErrorPolicy.FAIL);
    assertThat(reply.assignments().get(0).tables()).isEmpty();
  }

  @Test
  void rejectedCountsRoundTripAndOldBodiesReadAsNone() {
    WorkUnit rejected = UNIT.leased("w1", 1000).withProgress(10, 100, 2);
    assertThat(Json.decode(Json.encode(rejected), WorkUnit.class)).isEqualTo(rejected);
    assertThat(rejected.withState(UnitState.DONE).retried().progress().rejected()).isEqualTo(2);
    String before = Json.encode(UNIT).replace(",\"rejected\":0", "");
    assertThat(before).doesNotContain("rejected");
    assertThat(Json.decode(before, WorkUnit.class).progress().rejected()).isZero();
    io.ferry.protocol.message.UnitProgress progress = new io.ferry.protocol.message.UnitProgress("j", "u", 1, "w", 5, 50, 1);
    assertThat(Json.decode(Json.encode(progress), io.ferry.protocol.message.UnitProgress.class)).isEqualTo(progress);
  }

  @Test
  void aColumnsTargetNameIsWrittenOnlyWhenItDiffersAndOldColumnsReadWithout() {
    ColumnPlan renamed = new ColumnPlan("OrderDate", "date", true, null, null, "order_date");
    assertThat(Json.decode(Json.encode(renamed), ColumnPlan.class)).isEqualTo(renamed);
    assertThat(Json.encode(new ColumnPlan("id", "bigint", false, null, null))).doesNotContain("target");
    ColumnPlan old = Json.decode("{\"name\":\"id\",\"type\":\"bigint\",\"nullable\":false}", ColumnPlan.class);
    assertThat(old.target()).isNull();
    assertThat(old.targetName()).isEqualTo("id");
  }

  @Test
  void anEndpointNeverPrintsItsPassword() {
    assertThat(new Endpoint("postgresql", "jdbc:postgresql://h/db", "bob", "hunter2").toString()).doesNotContain("hunter2").contains("bob");
  }

  @Test
  void anEndpointWrittenWithoutAnEngineReadsAsPostgresql() {
    Endpoint read = Json.decode("{\"url\":\"jdbc:postgresql://h/db\",\"user\":\"bob\"}", Endpoint.class);
    assertThat(read.engine()).isEqualTo("postgresql");
    assertThat(Json.decode(Json.encode(new Endpoint("SQLServer", "jdbc:sqlserver://h", "u", null)), Endpoint.class).engine())
        .isEqualTo("sqlserver");
  }

  @Test
  void describesAUnitByJobTenantTableAndRange() {
    assertThat(UNIT.describe()).contains("job-1", "tenant a", "table s.t", "[100, +inf)");
  }
}
