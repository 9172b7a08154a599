package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cli.StatusView;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The crash-proof guarantees under real faults: one coordinator and three workers, separate JVMs, run a
 * three-tenant job (~340,000 rows, ~45 copy units of 10,000 rows, chunks of 2,500 rows) while a process
 * is killed (-9), frozen (SIGSTOP past its lease), told to stop (SIGTERM), every database connection is
 * dropped (what a database restart does to its clients), the target's own PostgreSQL server is restarted,
 * or the job is paused or cancelled. Every scenario ends with the same proof: the job succeeded, the
 * target equals the sources row for row per tenant, every unit's checkpoint is done and the copy
 * checkpoints add up to the source counts, and the job's rows counter equals the source rows. These jobs
 * skip verification ({@code verify: none}); one more scenario kills a worker mid-verify of a target
 * changed on purpose, and the job must fail naming exactly those changes, then another mid-repair of them,
 * and the job must end verified clean with the target equal to the sources.
 *
 * <p>When a fault strikes is drawn from a seeded {@link Random}: the seed is printed, and
 * {@code -Dferry.faults.seed=N} replays a run. Each fault scenario runs {@link #TIMINGS} times; every run
 * derives its own generator from the seed, the scenario's name and the run's number, so every run gets
 * different timings and keeps them whatever order the scenarios run in.
 * The source databases are shared; each scenario has its own target database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionIT {

  static final long SEED = Long.getLong("ferry.faults.seed", System.nanoTime() % 1_000_000_000L);
  static final int ITEMS = 100_000;
  static final int WORKERS = 3;
  static final Duration LEASE = Duration.ofSeconds(4);
  /** Short leases keep the suite fast; small chunks give every copy unit several checkpoints to resume from. */
  static final String[] COORDINATOR_ARGS = {"--lease-timeout", LEASE.toSeconds() + "s", "--chunk-rows", "2500"};
  static final Duration JOB_LIMIT = Duration.ofMinutes(3);
  /** Each fault scenario runs this many times, each with its own timings (an annotation value: a constant). */
  static final int TIMINGS = 2;
  /** The verify scenario's rate: its ~340,000 source rows take long enough to kill a worker mid-verify. */
  static final int VERIFY_ROWS_PER_SECOND = 30_000;

  TestPostgres pg;
  /** The restart scenario's target server; it lives until the class ends, so that a restarted coordinator loads its job. */
  RestartablePostgres restartable;
  final Map<String, String> tenants = new LinkedHashMap<>();
  ProcessCluster cluster;
  ApiClient api;
  JobProbe jobs;
  TargetProbe targets;
  final List<Process> workers = new ArrayList<>();
  String scenario;
  int timing;
  final Map<String, Integer> runs = new HashMap<>();

  @BeforeAll
  void startCluster() throws Exception {
    System.out.printf("FaultInjectionIT: fault seed %d (replay with -Dferry.faults.seed=%d)%n", SEED, SEED);
    pg = new TestPostgres();
    for (String id : List.of("a", "b", "c")) {
      String db = pg.createDatabase("faults_" + id);
      try (Connection c = pg.connect(db)) {
        Fixture.create(c, tenants.size() + 1, ITEMS);
      }
      tenants.put(id, db);
    }
    cluster = ItCluster.start(getClass(), 0, 2, COORDINATOR_ARGS);
    api = new ApiClient(cluster.apiUrl(), null);
    jobs = new JobProbe(api);
    targets = new TargetProbe(pg);
  }

  @AfterAll
  void stopCluster() throws Exception {
    ItCluster.close(cluster, pg, restartable);
  }

  /** Whatever the last scenario did to the cluster: a live coordinator and three live, registered workers. */
  @BeforeEach
  void healthyCluster(TestInfo test) throws Exception {
    scenario = test.getTestMethod().orElseThrow().getName();
    timing = runs.merge(scenario, 1, Integer::sum);
    if (cluster.coordinator() == null || !cluster.coordinator().isAlive()) {
      cluster.startCoordinator(COORDINATOR_ARGS);
    }
    workers.removeIf(p -> !p.isAlive());
    while (workers.size() < WORKERS) {
      workers.add(cluster.startWorker(2));
    }
    Set<Long> pids = workers.stream().map(Process::pid).collect(Collectors.toSet());
    Poll.untilTrue("the coordinator is ready and the workers " + pids + " are registered", Duration.ofMinutes(2), () ->
        api.get("/ready").status() == 200 && jobs.workerPids().containsAll(pids));
  }

  /** This run of the scenario, its target a new database of the shared server. */
  Run submitted(String name) throws Exception {
    return new Run(pg, name);
  }

  void note(String format, Object... args) {
    System.out.printf("FaultInjectionIT %s #%d (seed %d): %s%n", scenario, timing, SEED, String.format(format, args));
  }

  @RepeatedTest(value = TIMINGS, name = "{displayName}, timing {currentRepetition} of {totalRepetitions}")
  void resumesTheUnitsOfAWorkerKilledMidCopyElsewhereFromTheirCheckpoints() throws Exception {
    Run run = submitted("kill_worker");
    run.faultAfterCommittedCopyUnits("kill -9 a worker");

    JobProbe.Victim victim = jobs.victim(run.job, workers);
    cluster.kill(victim.process());
    long killedAt = System.nanoTime();
    Set<String> unfinished = run.unfinishedAtTheFault(victim);
    Poll.untilTrue("the killed worker's units are back in the queue", Duration.ofSeconds(10),
        () -> jobs.leasedBy(run.job, victim.workerId()).isEmpty());
    note("worker %s (pid %d) killed holding %s; its units were back in %d ms", victim.workerId(), victim.process().pid(),
        victim.epochs().keySet(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));

    run.succeedsExactlyOnce();
    run.assertRerunUnderANewerLease(victim, unfinished);
  }

  /**
   * The verify phase and a repair survive a worker's death: the job copied, its target changed in known ways
   * (a column of one row, another row deleted, and a fiftieth of one tenant's dense items deleted: more keys per
   * range than a verify unit lists), then verified again under a rate limit that keeps its verify units
   * running; the worker holding most of them is killed -9, its units are leased again and run by the others,
   * and the job fails its verification naming exactly the planted keys, no more, no fewer. Then a repair, under
   * the same rate (each range repaired whole writes its 10,000 rows against it): the worker holding most repair
   * units is killed -9 mid-repair, their transactions roll back, they run again under newer leases elsewhere,
   * and the job ends verified clean with the target equal to the sources row for row.
   */
  @Test
  void aWorkerKilledMidVerifyOrMidRepairLeavesTheVerdictAndTheRepairExact() throws Exception {
    // Limited from the start and throughout: each verify unit's source rows and each repair unit's rows written
    // count against the rate, so that both phases run long enough to be caught. (A limit set by PATCH later
    // would reach the workers only after they trusted the job's last answer for a second, while the first
    // units ran free.)
    Run run = new Run(pg, "kill_verify", Map.of("limits", Map.of("rowsPerSecond", VERIFY_ROWS_PER_SECOND)));
    run.succeeds();
    long deleted;
    try (Connection t = pg.connect(run.target); Statement st = t.createStatement()) {
      st.execute("UPDATE merged.items SET name = 'changed' WHERE tenant_id = 'b' AND id = 4242");
      st.execute("DELETE FROM merged.\"OrderLines\" WHERE tenant_id = 'c' AND \"Id\" = 777");
      deleted = st.executeUpdate("DELETE FROM merged.items WHERE tenant_id = 'a' AND id <= 90000 AND id % 50 = 0");
    }
    ApiClient.Response verify = jobs.control(run.job, "verify");
    assertThat(verify.status()).as(verify.text()).isEqualTo(200);

    Killed midVerify = killMidUnits(run, "verify");
    JsonNode failed = run.ends();
    assertThat(failed.path("state").asText()).as(failed.toString()).isEqualTo("failed");
    assertThat(failed.path("error").asText())
        .isEqualTo("verification found " + (deleted + 2) + " differing keys in 3 tables (see the job's report)");
    assertRanAgainElsewhere(run, midVerify);
    JsonNode report = api.get("/api/v1/jobs/" + run.job + "/report").body();
    assertThat(report.path("verdict").asText()).as(report.toString()).isEqualTo("differences");
    assertThat(report.path("totals").path("rangesVerified").asLong()).as("every range compared")
        .isEqualTo(report.path("totals").path("ranges").asLong()).isPositive();
    assertThat(report.path("totals").path("differingKeys").asLong()).isEqualTo(deleted + 2);
    List<String> listed = JobProbe.differences(report);
    assertThat(listed).filteredOn(d -> !d.startsWith("a merged.items ")).containsExactlyInAnyOrder(
        "b merged.items different [4242] [name]", "c merged.OrderLines missing [777] []");
    assertThat(listed).filteredOn(d -> d.startsWith("a merged.items ")).isNotEmpty()
        .allSatisfy(d -> assertThat(d).matches("a merged\\.items missing \\[\\d*[05]0\\] \\[\\]"));

    ApiClient.Response repair = jobs.control(run.job, "repair");
    assertThat(repair.status()).as(repair.text()).isEqualTo(202);
    List<String> recopies = new ArrayList<>();
    repair.body().path("repairs").forEach(r -> recopies.add(r.path("recopies").asText()));
    assertThat(recopies).as(repair.text()).contains("range", "keys");
    Killed midRepair = killMidUnits(run, "repair");
    JsonNode repaired = run.ends();
    assertThat(repaired.path("state").asText()).as(repaired.toString()).isEqualTo("succeeded");
    assertRanAgainElsewhere(run, midRepair);
    JsonNode clean = api.get("/api/v1/jobs/" + run.job + "/report").body();
    assertThat(clean.path("verdict").asText()).as(clean.toString()).isEqualTo("clean");
    TargetChecks checks = new TargetChecks(pg, tenants, pg, run.target, "merged", "tenant_id");
    checks.assertTargetEqualsSources(Fixture.TABLES);
    checks.assertEveryUnitCommittedOnce(run.job, Fixture.TABLES);
  }

  /** A worker killed -9, and the units it left unfinished with the epochs it held them under. */
  record Killed(String workerId, Map<String, Long> unfinished) {
  }

  /**
   * Kills -9 the worker holding the most units of {@code kind} of the run's job and waits until they are back in
   * the queue; there must be some it left unfinished.
   */
  Killed killMidUnits(Run run, String kind) throws Exception {
    JobProbe.Victim victim = jobs.victim(run.job, workers, kind);
    cluster.kill(victim.process());
    long killedAt = System.nanoTime();
    Thread.sleep(300); // a result the victim sent just before the kill still lands
    // The victim's units not done, with the epochs it held them under: still leased to it, or already back in
    // the queue (the coordinator may see a killed worker leave within that wait), and any it claimed since.
    Map<String, Long> unfinished = new HashMap<>(victim.epochs());
    jobs.units(run.job, "leased").stream().filter(u -> victim.workerId().equals(u.path("workerId").asText()))
        .forEach(u -> unfinished.put(u.path("id").asText(), u.path("epoch").asLong()));
    jobs.units(run.job, "done").forEach(u -> unfinished.remove(u.path("id").asText()));
    note("worker %s (pid %d) killed holding %s units %s, %s of them unfinished", victim.workerId(), victim.process().pid(),
        kind, victim.epochs().keySet(), unfinished.keySet());
    assertThat(unfinished).as("%s units the killed worker was running", kind).isNotEmpty();
    Poll.untilTrue("the killed worker's " + kind + " units are back in the queue", Duration.ofSeconds(10),
        () -> jobs.leasedBy(run.job, victim.workerId()).isEmpty());
    note("its %s units were back in %d ms", kind, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    return new Killed(victim.workerId(), unfinished);
  }

  /** Each unit a killed worker left unfinished is done, under a newer lease, by another worker. */
  void assertRanAgainElsewhere(Run run, Killed killed) throws Exception {
    Map<String, JsonNode> done = new HashMap<>();
    jobs.units(run.job, "done").forEach(u -> done.put(u.path("id").asText(), u));
    killed.unfinished().forEach((unitId, epoch) -> {
      JsonNode unit = done.get(unitId);
      assertThat(unit).as("%s done", unitId).isNotNull();
      assertThat(unit.path("epoch").asLong()).as("%s ran again under a newer lease", unitId).isGreaterThan(epoch);
      assertThat(unit.path("workerId").asText()).as("%s ran again on another worker", unitId).isNotEqualTo(killed.workerId());
    });
  }

  @RepeatedTest(value = TIMINGS, name = "{displayName}, timing {currentRepetition} of {totalRepetitions}")
  void fencesTheLateWritesOfAWorkerFrozenLongerThanItsLease() throws Exception {
    Run run = submitted("freeze_worker");
    long extraFreeze = run.random.nextInt(1500);
    run.faultAfterCommittedCopyUnits("SIGSTOP a worker until others hold its units and at least %d ms", LEASE.toMillis() + extraFreeze);

    JobProbe.Victim victim = jobs.victim(run.job, workers);
    long logStart = Files.size(cluster.logOf(victim.process()));
    long coordinatorLogStart = Files.size(cluster.logOf(cluster.coordinator()));
    cluster.stop(victim.process());
    long frozenAt = System.nanoTime();
    Set<String> unfinished = run.unfinishedAtTheFault(victim);
    // Its leases lapse (or its membership ends) and other workers take its units over with newer epochs.
    Poll.untilTrue("the frozen worker's units are handed to other workers", Duration.ofSeconds(30),
        () -> jobs.takenOver(run.job, victim));
    long frozenFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
    if (frozenFor < LEASE.toMillis() + extraFreeze) {
      Thread.sleep(LEASE.toMillis() + extraFreeze - frozenFor);
    }
    cluster.cont(victim.process());
    note("worker %s frozen for %d ms holding %s", victim.workerId(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt), victim.epochs().keySet());

    // Awake again, the worker goes on with the chunk it was writing: its checkpoint write carries the
    // old epoch, the target refuses it and the chunk rolls back; or a heartbeat reply tells it first that
    // the lease is lost; or (a unit it had just finished) the coordinator ignores its stale report.
    Poll.untilTrue("the thawed worker's lease is found lost", Duration.ofSeconds(30), () -> {
      String log = logSince(cluster.logOf(victim.process()), logStart);
      return log.contains("lease lost") || log.contains("a newer lease holds the checkpoint")
          || logSince(cluster.logOf(cluster.coordinator()), coordinatorLogStart)
              .contains("from worker " + victim.workerId() + " (epoch");
    });
    run.succeedsExactlyOnce();
    run.assertRerunUnderANewerLease(victim, unfinished);
  }

  @RepeatedTest(value = TIMINGS, name = "{displayName}, timing {currentRepetition} of {totalRepetitions}")
  void carriesOnAfterTheCoordinatorIsKilledMidCopyAndRestarted() throws Exception {
    Run run = submitted("kill_coordinator");
    run.faultAfterCommittedCopyUnits("kill -9 the coordinator");
    Set<String> workerIds = new HashSet<>();
    api.get("/api/v1/workers").body().path("workers").forEach(w -> workerIds.add(w.path("id").asText()));
    Poll.untilTrue("units in flight when the coordinator dies", Duration.ofSeconds(10), () -> jobs.leasedCount(run.job) > 0);

    cluster.kill(cluster.coordinator());
    cluster.startCoordinator(COORDINATOR_ARGS);
    Poll.untilTrue("the restarted coordinator is ready", Duration.ofMinutes(1), () -> api.get("/ready").status() == 200);
    // The workers rejoin under new ids; the leases of their old ids went back to the queue at start-up,
    // without waiting for the lease timeout.
    List<String> stale = jobs.units(run.job, "leased").stream().map(u -> u.path("workerId").asText()).filter(workerIds::contains).toList();
    assertThat(stale).as("units still leased to workers of the old cluster").isEmpty();

    run.succeedsExactlyOnce();
  }

  @RepeatedTest(value = TIMINGS, name = "{displayName}, timing {currentRepetition} of {totalRepetitions}")
  void aWorkerToldToStopDrainsAndItsUnitsContinueWithoutWaitingForTheirLeases() throws Exception {
    Run run = submitted("term_worker");
    run.faultAfterCommittedCopyUnits("SIGTERM a worker");

    long coordinatorLogStart = Files.size(cluster.logOf(cluster.coordinator()));
    JobProbe.Victim victim = jobs.victim(run.job, workers);
    cluster.terminate(victim.process());
    long termAt = System.nanoTime();
    assertThat(victim.process().waitFor(25, TimeUnit.SECONDS)).as("the worker exits after draining").isTrue();
    note("worker %s holding %s exited %d ms after SIGTERM with status %d", victim.workerId(), victim.epochs().keySet(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt), victim.process().exitValue());
    assertThat(victim.process().exitValue()).as("a drained worker exits 0").isZero();

    // The worker's whole log (it stops once in its life): a unit the coordinator still listed as the
    // victim's may have ended just before it was picked, its result still on the way.
    String workerLog = Files.readString(cluster.logOf(victim.process()));
    assertThat(workerLog).contains("stopping: finishing the current chunks and releasing its units");
    for (String unitId : victim.epochs().keySet()) {
      // Done, stopped after committing its chunk, or (claimed only after SIGTERM) handed back unstarted.
      assertThat(workerLog).as("%s ended at a chunk boundary", unitId).containsPattern(Pattern.quote(unitId + " of job " + run.job + ",")
          + ".*: ((worker stopping|done) in \\d+ ms|handed back unstarted: worker stopping)");
    }
    // Released by the worker's own "worker stopping" reports: neither a lapsed lease nor its departure did it.
    String coordinatorLog = logSince(cluster.logOf(cluster.coordinator()), coordinatorLogStart);
    assertThat(coordinatorLog).doesNotContain("on worker " + victim.workerId() + " expired")
        .doesNotContain("worker " + victim.workerId() + " left the cluster: ");
    assertThat(jobs.leasedBy(run.job, victim.workerId())).isEmpty();

    run.succeedsExactlyOnce();
  }

  @Test
  void pausingStopsProgressAndResumingFinishesTheJobExactlyOnce() throws Exception {
    Run run = submitted("pause");
    String job = run.job;
    run.faultAfterCommittedCopyUnits("pause");

    ApiClient.Response paused = jobs.control(job, "pause");
    assertThat(paused.status()).as(paused.text()).isEqualTo(200);
    assertThat(paused.body().path("state").asText()).isEqualTo("paused");
    Poll.untilTrue("every unit in flight stopped at a chunk boundary", Duration.ofSeconds(30), () -> jobs.leasedCount(job) == 0);
    long rows = jobs.job(job).path("rows").path("done").asLong();
    long checkpointRows = targets.checkpointRows(run.target, job);
    Thread.sleep(2_000); // the window over which nothing may move
    assertThat(jobs.job(job).path("rows").path("done").asLong()).as("rows.done while paused").isEqualTo(rows);
    assertThat(targets.checkpointRows(run.target, job)).as("checkpoint rows while paused").isEqualTo(checkpointRows);
    assertThat(jobs.leasedCount(job)).isZero();
    assertThat(jobs.units(job, "pending")).as("stopped units gave back their attempt")
        .allSatisfy(u -> assertThat(u.path("attempts").asInt()).isZero());
    note("paused at %d rows", rows);

    ApiClient.Response resumed = jobs.control(job, "resume");
    assertThat(resumed.body().path("state").asText()).as(resumed.text()).isEqualTo("running");
    run.succeedsExactlyOnce();
  }

  @Test
  void aCancelledJobStaysCancelledWithItsTargetRowsMatchingItsCheckpoints() throws Exception {
    Run run = submitted("cancel");
    String job = run.job;
    run.faultAfterCommittedCopyUnits("cancel");

    ApiClient.Response cancelled = jobs.control(job, "cancel");
    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.body().path("state").asText()).isEqualTo("cancelled");
    Poll.untilTrue("every unit in flight stopped at a chunk boundary", Duration.ofSeconds(30), () -> jobs.leasedCount(job) == 0);
    long rows = jobs.job(job).path("rows").path("done").asLong();
    Thread.sleep(2_000); // nothing is handed out again
    assertThat(jobs.leasedCount(job)).isZero();
    assertThat(jobs.job(job).path("rows").path("done").asLong()).isEqualTo(rows);
    assertThat(jobs.job(job).path("state").asText()).isEqualTo("cancelled");
    ApiClient.Response resume = jobs.control(job, "resume");
    assertThat(resume.status()).isEqualTo(409);
    assertThat(resume.body().path("details").get(0).asText()).contains("cancelled");

    // Every committed chunk committed with its checkpoint: per tenant and table, the target holds exactly
    // the rows the checkpoints count (no torn chunk, nothing beyond them).
    Map<String, Long> counted = targets.checkpointRowsByTenantTable(run.target, job);
    long total = 0;
    try (Connection t = pg.connect(run.target)) {
      for (String tenant : tenants.keySet()) {
        for (String table : Fixture.TABLES) {
          String name = table.substring(table.indexOf('.') + 1);
          long actual = TargetProbe.tableExists(t, "merged", name) ? TargetChecks.count(t, "SELECT count(*) FROM merged.\"" + name
              + "\" WHERE tenant_id = '" + tenant + "'") : 0;
          assertThat(actual).as("target rows of %s/%s", tenant, table).isEqualTo(counted.getOrDefault(tenant + "/" + table, 0L));
          total += actual;
        }
      }
      assertThat(TargetChecks.count(t, "SELECT count(*) FROM ferry.jobs WHERE job_id = '" + job + "' AND body LIKE '%\"state\":\"cancelled\"%'"))
          .as("the cancellation is recorded in the target").isEqualTo(1);
    }
    note("cancelled with %d rows copied", total);
    assertThat(total).isPositive();
  }

  @RepeatedTest(value = TIMINGS, name = "{displayName}, timing {currentRepetition} of {totalRepetitions}")
  void unitsCutOffFromTheirDatabasesRetryAndResumeFromTheirCheckpoints() throws Exception {
    Run run = submitted("drop_connections");
    int rounds = 1 + run.random.nextInt(2);
    long pause = 300 + run.random.nextInt(1500);
    run.faultAfterCommittedCopyUnits("drop every connection to the target and the sources %d time(s), %d ms apart", rounds, pause);
    long coordinatorLogStart = Files.size(cluster.logOf(cluster.coordinator()));

    List<String> databases = new ArrayList<>(tenants.values());
    databases.add(run.target);
    for (int round = 0; round < rounds; round++) {
      Poll.untilTrue("copy units in flight", Duration.ofSeconds(20), () -> jobs.leasedCount(run.job) > 0);
      // What a database restart does to its clients: every session ends at once, mid-COPY or idle in a
      // pool, including the coordinator's own connection to the target that records the job's state.
      int dropped = targets.terminateBackends(databases);
      note("round %d: %d connection(s) dropped", round + 1, dropped);
      assertThat(dropped).isPositive();
      Thread.sleep(pause);
    }

    run.succeedsExactlyOnce();
    String coordinatorLog = logSince(cluster.logOf(cluster.coordinator()), coordinatorLogStart);
    assertThat(coordinatorLog).as("units hit by the drop failed retryably and came back after a backoff")
        .containsPattern("failed \\(attempt \\d+ of at most \\d+\\), retrying in \\d+ ms");
    assertThat(jobs.units(run.job, "failed")).isEmpty();
  }

  /**
   * The job's target is a private server (the shared one is never restarted), stopped fast mid-copy and
   * started again on its port and data directory. One timing per build: the restart takes seconds.
   */
  @Test
  void aTargetPostgresRestartedMidCopyIsRecoveredWithWarningsAndNoError() throws Exception {
    long startingAt = System.nanoTime();
    RestartablePostgres server = new RestartablePostgres(Path.of("target", "it-pg", scenario));
    restartable = server;
    note("the target's own PostgreSQL (port %d) started in %d ms", server.port(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startingAt));
    Run run = new Run(server.client(), "restart_target");
    long down = 1000 + run.random.nextInt(2000);
    run.faultAfterCommittedCopyUnits("restart the target's PostgreSQL, down %d ms", down);
    Poll.untilTrue("copy units in flight", Duration.ofSeconds(20), () -> jobs.leasedCount(run.job) > 0);

    Map<Path, Long> logStarts = new LinkedHashMap<>();
    logStarts.put(cluster.logOf(cluster.coordinator()), Files.size(cluster.logOf(cluster.coordinator())));
    for (Process worker : workers) {
      logStarts.put(cluster.logOf(worker), Files.size(cluster.logOf(worker)));
    }
    long restartAt = System.nanoTime();
    // A fast shutdown ends every session, mid-COPY or idle in a pool, the coordinator's too; then,
    // until the start, every connection is refused.
    server.stop();
    long stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt);
    Thread.sleep(down);
    server.start();
    note("the target's PostgreSQL stopped in %d ms and was back %d ms after the stop began", stoppedMs,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt));

    run.succeeds();
    Map<String, String> logs = new LinkedHashMap<>();
    for (var log : logStarts.entrySet()) {
      logs.put(log.getKey().getFileName().toString(), logSince(log.getKey(), log.getValue()));
    }
    run.assertExactlyOnce();
    assertThat(jobs.units(run.job, "failed")).isEmpty();

    // Every fault of the restart was retried and recovered: a warning, never an error.
    Pattern level = Pattern.compile("^\\S+ (ERROR|WARN) .*$", Pattern.MULTILINE);
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    logs.forEach((name, log) -> level.matcher(log).results()
        .forEach(m -> (m.group(1).equals("ERROR") ? errors : warnings).add(name + ": " + m.group())));
    note("%d WARN line(s) from the restart to the job's end, e.g. %s", warnings.size(),
        warnings.stream().limit(3).toList());
    assertThat(errors).as("ERROR lines of the coordinator and the workers from the restart to the job's end").isEmpty();
    String coordinatorLog = logs.get(cluster.logOf(cluster.coordinator()).getFileName().toString());
    assertThat(coordinatorLog).as("units cut off by the restart failed retryably, with a warning")
        .containsPattern("(?m)^\\S+ WARN .* failed \\(attempt \\d+ of at most \\d+\\), retrying in \\d+ ms");
  }

  // ---------------------------------------------------------------------------------------------------

  /**
   * One run of a scenario: its own target database, the job submitted into it, and the seeded generator
   * of its fault timings (what it draws is printed with the seed). Each test states only its fault and
   * what it checks beyond the exactly-once proof.
   */
  final class Run {

    final Random random = new Random(SEED * 31 + scenario.hashCode() + 7919L * (timing - 1));
    final TestPostgres targetServer;
    final TargetProbe probe;
    final String target;
    final String job;
    JsonNode finished;

    /** A new database {@code faults_<name>_<timing>} of {@code targetServer}, and the job into it. */
    Run(TestPostgres targetServer, String name) throws Exception {
      this(targetServer, name, Map.of());
    }

    /** The same, with {@code spec}'s fields added to (or replacing) the scenario's job spec. */
    Run(TestPostgres targetServer, String name, Map<String, Object> spec) throws Exception {
      this.targetServer = targetServer;
      this.probe = targetServer == pg ? targets : new TargetProbe(targetServer);
      this.target = targetServer.createDatabase("faults_" + name + "_" + timing);
      this.job = submit(spec);
    }

    /** Draws when the fault strikes, says what it is, and waits until that many copy units committed. */
    void faultAfterCommittedCopyUnits(String fault, Object... args) throws Exception {
      int k = 2 + random.nextInt(12);
      note("after %d committed copy units: %s", k, String.format(fault, args));
      probe.awaitCommittedCopyUnits(target, job, k, JOB_LIMIT);
    }

    /** The job succeeds, and every row of the sources is in the target exactly once. */
    void succeedsExactlyOnce() throws Exception {
      succeeds();
      assertExactlyOnce();
    }

    void succeeds() throws Exception {
      assertThat(ends().path("state").asText()).as(finished.toString()).isEqualTo("succeeded");
    }

    /** Waits for the job to end and returns its last state. */
    JsonNode ends() throws Exception {
      long started = System.nanoTime();
      finished = Poll.until(job + " ends", JOB_LIMIT, () -> {
        JsonNode j = jobs.job(job);
        return StatusView.TERMINAL_STATES.contains(j.path("state").asText()) ? j : null;
      });
      note("job %s %s %d ms later", job, finished.path("state").asText(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return finished;
    }

    /** The target equals the sources row for row, every unit committed once, and rows.done counts the source rows. */
    void assertExactlyOnce() throws Exception {
      TargetChecks checks = new TargetChecks(pg, tenants, targetServer, target, "merged", "tenant_id");
      long sourceRows = checks.assertTargetEqualsSources(Fixture.TABLES);
      checks.assertEveryUnitCommittedOnce(job, Fixture.TABLES);
      assertThat(finished.path("rows").path("done").asLong()).as("the job's rows.done").isEqualTo(sourceRows);
    }

    /**
     * The victim's units whose checkpoint was not done when the fault struck. Units are small and fast: one
     * the coordinator still listed as the victim's may have committed its last chunk just before the
     * fault (its result not yet in). A commit the victim sent just before the fault still lands at the
     * server, hence the short wait.
     */
    Set<String> unfinishedAtTheFault(JobProbe.Victim victim) throws Exception {
      Thread.sleep(300);
      Set<String> unfinished = new HashSet<>();
      for (String unitId : victim.epochs().keySet()) {
        if (!probe.done(target, job, unitId)) {
          unfinished.add(unitId);
        }
      }
      note("of the victim's units, %s were unfinished at the fault", unfinished);
      return unfinished;
    }

    /** Every unit the victim left unfinished was finished under a later lease, from its checkpoint. */
    void assertRerunUnderANewerLease(JobProbe.Victim victim, Set<String> unfinished) throws Exception {
      for (String unitId : unfinished) {
        assertThat(probe.epoch(target, job, unitId)).as("%s of %s finished under a newer lease", unitId, victim.workerId())
            .isGreaterThan(victim.epochs().get(unitId));
      }
    }

    /** Submits the scenario's job: the shared sources into the run's target. */
    private String submit(Map<String, Object> extra) throws Exception {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("name", scenario.length() > 40 ? scenario.substring(0, 40) : scenario);
      List<Map<String, Object>> tenantSpecs = new ArrayList<>();
      tenants.forEach((id, db) -> tenantSpecs.add(Map.of("id", id, "url", pg.url(db), "user", pg.user())));
      spec.put("source", Map.of("engine", "postgresql", "tenants", tenantSpecs));
      spec.put("target", Map.of("engine", "postgresql", "url", targetServer.url(target), "user", targetServer.user(),
          "schema", "merged", "tenantColumn", "tenant_id"));
      spec.put("tables", Map.of("include", List.of("public.*")));
      spec.put("mode", "drop_recreate");
      spec.put("unit", Map.of("rows", 10_000));
      // The copy is what the faults strike; verifying it after each would only add time (the proof is
      // TargetChecks'). The verify scenario verifies on request.
      spec.put("verify", "none");
      spec.putAll(extra);
      ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
      assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
      return submitted.body().path("id").asText();
    }
  }

  /** {@code PATCH /api/v1/jobs/{id}} with a limits body; the coordinator must take it. */
  void limit(String job, String body) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/api/v1/jobs/" + job))
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  static String logSince(Path log, long offset) throws IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8);
  }
}
