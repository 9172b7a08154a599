package io.ferry.coordinator.schedule;

import static io.ferry.coordinator.Fixtures.plan;
import static io.ferry.coordinator.Fixtures.quantiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.coordinator.job.JobRecord;
import io.ferry.protocol.message.Assignment;
import io.ferry.protocol.spec.Limits;
import io.ferry.protocol.unit.UnitKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitsTest {

  final SchedulerHarness h = new SchedulerHarness();

  /** Runs the prepares so that only copy units are left to claim. */
  JobRecord jobWithCopies(Limits limits, String... tenants) {
    JobRecord job = h.addJob("j", List.of(plan(tenants[0], "public.a", 100_000, 1000, quantiles(100, 1000)),
        plan(tenants[tenants.length - 1], "public.a", 100_000, 1000, quantiles(100, 1000))), tenants);
    h.board.save(h.board.job("j").withLimits(limits));
    for (Assignment a : h.claim("w0", 10)) {
      h.ok(a.unit(), "w0", 0);
    }
    return job;
  }

  @Test
  void maxUnitsCapsTheJobsUnitsInFlightAcrossWorkers() {
    jobWithCopies(new Limits(null, null, 2, null), "t1", "t2");
    List<Assignment> first = h.claim("w1", 10);
    assertThat(first).hasSize(2).allMatch(a -> a.unit().kind() == UnitKind.COPY);
    assertThat(h.claim("w2", 10)).as("the job is at its limit, whoever asks").isEmpty();
    h.ok(first.get(0).unit(), "w1", 10);
    assertThat(h.claim("w2", 10)).hasSize(1);
  }

  @Test
  void maxUnitsPerSourceCountsEveryTenantOnTheSameServer() {
    jobWithCopies(new Limits(null, null, null, 1), "t1", "t2");
    List<Assignment> first = h.claim("w1", 10);
    assertThat(first).as("t1 and t2 live on one server (127.0.0.1:5432)").hasSize(1);
    assertThat(h.claim("w2", 10)).isEmpty();
    h.ok(first.get(0).unit(), "w1", 10);
    assertThat(h.claim("w2", 10)).hasSize(1);
  }

  @Test
  void rateLimitedJobsCommitAboutASecondOfRatePerChunk() {
    jobWithCopies(new Limits(2000L, 100_000L, null, null), "t1");
    Assignment a = h.claim("w1", 1).get(0);
    assertThat(a.chunkRows()).isEqualTo(2000);
    assertThat(a.chunkBytes()).isEqualTo(AssignmentFactory.MIN_CHUNK_BYTES);
    assertThat(AssignmentFactory.chunkSize(50_000, null, 500)).isEqualTo(50_000);
    assertThat(AssignmentFactory.chunkSize(50_000, 10L, 500)).isEqualTo(500);
  }

  @Test
  void sourceServersAreHostAndPort() {
    assertThat(SourceServers.of("jdbc:postgresql://db1:5433/district_1?ssl=true")).isEqualTo("db1:5433");
    assertThat(SourceServers.of("jdbc:postgresql://localhost/district_2")).isEqualTo("127.0.0.1:5432");
    assertThat(SourceServers.of("jdbc:postgresql://127.0.0.1:5432/x")).isEqualTo("127.0.0.1:5432");
    assertThat(SourceServers.of("jdbc:postgresql://a:1,b:2/x")).isEqualTo("a:1,b:2");
    assertThat(SourceServers.of("jdbc:sqlserver://sql1;databaseName=d")).isEqualTo("sql1:1433");
  }
}
