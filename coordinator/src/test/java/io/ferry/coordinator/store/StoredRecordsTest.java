package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobPhase;
import io.ferry.coordinator.job.JobRecord;
import io.ferry.coordinator.job.JobState;
import io.ferry.protocol.Json;
import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.plan.TablePlan;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.protocol.unit.UnitKind;
import io.ferry.protocol.unit.UnitState;
import io.ferry.protocol.unit.WorkUnit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Targets keep {@code ferry.jobs} and {@code ferry.units} records across Ferry versions: a coordinator
 * restarted on a newer version must read the records an older one wrote. The files under
 * {@code stored/} are such records, written by a coordinator whose plans and units were flat records;
 * they are never regenerated: a change that cannot read them cannot read the targets in the field.
 */
class StoredRecordsTest {

  @Test
  void readsAStoredJobRecordWithItsPlans() throws IOException {
    JobRecord job = Json.decode(resource("job-record.json"), JobRecord.class);
    assertThat(job.id()).isEqualTo("job-7f3a");
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
    assertThat(job.phase()).isEqualTo(JobPhase.COPY);
    assertThat(job.spec().mode()).isEqualTo(Mode.APPEND);
    assertThat(job.spec().target().tenantColumn()).isEqualTo("tenant_id");
    assertThat(job.spec().target().endpoint().engine()).isEqualTo("postgresql");
    assertThat(job.plans()).hasSize(2);

    TablePlan orders = job.plans().get(0);
    assertThat(orders.tenantId()).isEqualTo("district_1");
    assertThat(orders.sourceTable()).isEqualTo("public.orders");
    assertThat(orders.targetTable()).isEqualTo("sales.orders");
    assertThat(orders.columns()).extracting(c -> c.name() + " " + c.type()).containsExactly("id bigint", "code text");
    assertThat(orders.split().key()).containsExactly("id", "code");
    assertThat(orders.split().types()).containsExactly("bigint", "text");
    assertThat(orders.split().nullable()).isTrue();
    assertThat(orders.split().orderPortable()).as("a record without key order: unknown, read as not portable").isNull();
    assertThat(orders.split().method()).isEqualTo(SplitMethod.UNIQUE_INDEX);
    assertThat(orders.split().quantiles()).containsExactly(List.of("1", "a"), List.of("400000", "m"), List.of("800000", "t"));
    assertThat(orders.split().sampleMethod()).isEqualTo("sample");
    assertThat(orders.estimatedRows()).isEqualTo(1_200_000);
    assertThat(orders.estimatedBytes()).isEqualTo(98_000_000);
    assertThat(orders.copyFormat()).isEqualTo(CopyFormat.BINARY);
    assertThat(orders.partitionOf()).isNull();
    assertThat(orders.ddl().types()).containsExactly("CREATE TYPE sales.mood AS ENUM ('ok', 'sad')");
    assertThat(orders.ddl().prepare()).singleElement().asString().startsWith("CREATE TABLE sales.orders");
    assertThat(orders.ddl().finish()).containsExactly("ALTER TABLE sales.orders ADD PRIMARY KEY (tenant_id, id)",
        "ANALYZE sales.orders");
    assertThat(orders.ddl().foreignKeys()).singleElement().asString().contains("FOREIGN KEY");
    assertThat(orders.targetExists()).isTrue();
    assertThat(orders.targetHasRows()).isFalse();
    assertThat(orders.readBytesPerSecond()).isEqualTo(52_428_800.5);
    assertThat(orders.warnings()).singleElement().asString().contains("unique index orders_id_code_key");

    TablePlan log = job.plans().get(1);
    assertThat(log.split().method()).isEqualTo(SplitMethod.CTID);
    assertThat(log.split().key()).containsExactly("ctid");
    assertThat(log.split().sampleMethod()).isEqualTo("blocks");
    assertThat(log.copyFormat()).isEqualTo(CopyFormat.TEXT);
    assertThat(log.partitionOf()).isEqualTo("sales.log_parent");
  }

  @Test
  void aStoredPlanWrittenAgainTakesTodaysFormAndReadsTheSame() throws IOException {
    JobRecord job = Json.decode(resource("job-record.json"), JobRecord.class);
    String written = Json.encode(job);
    assertThat(written).contains("\"split\":{\"key\":[\"id\",\"code\"]").contains("\"ddl\":{\"types\":[")
        .doesNotContain("keyQuantiles").doesNotContain("prepareStatements");
    assertThat(Json.decode(written, JobRecord.class)).isEqualTo(job);
  }

  @Test
  void readsStoredUnits() throws IOException {
    WorkUnit copy = Json.decode(resource("copy-unit.json"), WorkUnit.class);
    assertThat(copy.id()).isEqualTo("copy:district_1:sales.orders:0002");
    assertThat(copy.jobId()).isEqualTo("job-7f3a");
    assertThat(copy.kind()).isEqualTo(UnitKind.COPY);
    assertThat(copy.slice().tenantId()).isEqualTo("district_1");
    assertThat(copy.slice().table()).isEqualTo("sales.orders");
    assertThat(copy.slice().sourceTable()).isEqualTo("public.orders");
    assertThat(copy.slice().range()).isEqualTo(new KeyRange(List.of("400000", "m"), List.of("800000", "t")));
    assertThat(copy.slice().estimatedRows()).isEqualTo(400_000);
    assertThat(copy.slice().estimatedBytes()).isEqualTo(32_000_000);
    assertThat(copy.state()).isEqualTo(UnitState.LEASED);
    assertThat(copy.lease().attempts()).isEqualTo(2);
    assertThat(copy.lease().epoch()).isEqualTo(3);
    assertThat(copy.lease().workerId()).isEqualTo("worker-1");
    assertThat(copy.lease().expiresAt()).isEqualTo(1_767_225_660_000L);
    assertThat(copy.progress().rows()).isEqualTo(125_000);
    assertThat(copy.progress().bytes()).isEqualTo(9_800_000);
    assertThat(copy.progress().error()).isEqualTo("copy unit failed: connection reset");
    assertThat(copy.progress().rejected()).isEqualTo(4);
    assertThat(copy.progress().findings()).as("written before verify units had findings").isNull();

    WorkUnit finish = Json.decode(resource("finish-unit.json"), WorkUnit.class);
    assertThat(finish.kind()).isEqualTo(UnitKind.FINISH);
    assertThat(finish.state()).isEqualTo(UnitState.BLOCKED);
    assertThat(finish.slice().tenantId()).isNull();
    assertThat(finish.slice().table()).isNull();
    assertThat(finish.slice().range()).isNull();
    assertThat(finish.lease().workerId()).isNull();
  }

  @Test
  void readsAStoredVerifyUnitWithItsFindings() throws IOException {
    WorkUnit verify = Json.decode(resource("verify-unit.json"), WorkUnit.class);
    assertThat(verify.kind()).isEqualTo(UnitKind.VERIFY);
    assertThat(verify.state()).isEqualTo(UnitState.DONE);
    VerifyFindings findings = verify.progress().findings();
    assertThat(findings.sourceRows()).isEqualTo(400_000);
    assertThat(findings.targetRows()).isEqualTo(399_999);
    assertThat(findings.ranges()).isEqualTo(9);
    assertThat(findings.mismatchedRanges()).isEqualTo(4);
    assertThat(findings.differenceCount()).isEqualTo(2);
    assertThat(findings.scope()).isNull();
    assertThat(findings.differences()).containsExactly(
        new VerifyFindings.Difference(VerifyFindings.Kind.MISSING, List.of("400017", "q"), List.of()),
        new VerifyFindings.Difference(VerifyFindings.Kind.DIFFERENT, List.of("512000", "n"), List.of("code")));
  }

  @Test
  void aStoredUnitWrittenAgainIsTheRecordItWasAndReadsTheSame() throws IOException {
    for (String name : List.of("copy-unit.json", "finish-unit.json", "verify-unit.json")) {
      String stored = resource(name);
      WorkUnit unit = Json.decode(stored, WorkUnit.class);
      String written = Json.encode(unit);
      assertThat(Json.mapper().readTree(written)).as(name).isEqualTo(Json.mapper().readTree(stored));
      assertThat(Json.decode(written, WorkUnit.class)).as(name).isEqualTo(unit);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = StoredRecordsTest.class.getResourceAsStream("/stored/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
