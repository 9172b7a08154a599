package io.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The capacity benchmark's harness on a small job: a real coordinator process recording into PostgreSQL,
 * simulated workers on the clustered event bus, a job planned from the simulated survey. Every unit the
 * coordinator planned is claimed once and reported done, and the job succeeds. How fast is the
 * benchmark's business (deploy/bench/run.sh capacity), not this test's.
 */
class CapacityBenchIT {

  @Test
  void everyPlannedUnitIsClaimedOnceAndReportedDone() throws Exception {
    try (TestPostgres pg = new TestPostgres()) {
      String database = pg.createDatabase("capacity");
      CapacityRun.Target target = new CapacityRun.Target(pg.url(database), pg.user(), pg.password());
      // 2 tenants × 2 tables × 25 units: 100 copy units, a prepare and a finish per table.
      CapacityRun.Shape shape = new CapacityRun.Shape(2, 25, 1000);
      Path logs = Files.createTempDirectory("ferry-capacity-it-");
      try (CapacityRun run = CapacityRun.start(Path.of(System.getProperty("ferry.jar")), logs, "256m", target, shape, 4, 2, 0)) {
        CapacityRun.Result result = run.job(100);

        assertThat(result.state()).isEqualTo("succeeded");
        assertThat(result.units()).isEqualTo(100 + 2 + 2);
        assertThat(result.claims().units()).as("units claimed").isEqualTo(result.units());
        assertThat(result.claims().done()).as("units reported done").isEqualTo(result.units());
        assertThat(result.claims().lost()).as("leases lost").isZero();
        assertThat(result.claims().failed()).as("requests failed").isZero();
        assertThat(result.claims().claims()).isPositive();
        assertThat(result.coordinatorCpuSeconds()).as("the coordinator process's CPU is read").isPositive();
      }
    }
  }
}
