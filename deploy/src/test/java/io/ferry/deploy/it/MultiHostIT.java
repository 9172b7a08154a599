package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cli.StatusView;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.protocol.Json;
import io.ferry.testsupport.TestPostgres;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster across machines, on one machine: the coordinator and two workers each in a Linux network
 * namespace of its own ({@link NetworkNamespaces}), so they reach each other, and the databases, only over
 * non-loopback addresses on a bridge. PostgreSQL listens on loopback only and stays so: the processes
 * reach it through a {@link TcpForwarder} on the bridge address, which serves the namespaces alone.
 * Each process binds its own address and nothing on loopback (one worker binds every interface and
 * advertises its own address with {@code --cluster-public-host}); the event bus port is fixed
 * ({@code --event-bus-port}), the same number in two namespaces; the workers' metrics answer from the
 * root namespace. A spec naming the database as {@code localhost}, as written on the database's machine,
 * is refused with a 400 that says whose loopback that is.
 *
 * <p>A two-tenant consolidation runs; mid-copy the link of the worker holding the most copy units goes
 * down (a network partition: the process runs on, cut off from everything), until the coordinator has
 * handed its units to the other worker and the cut-off worker has noticed it lost the coordinator; then
 * the link comes back. The worker joins again, the job succeeds, and the target holds every source row
 * exactly once.
 */
class MultiHostIT {

  static final int ITEMS = 20_000;
  /** Fixed, as a firewall between machines would list it; the coordinator and a worker both use it. */
  static final String EVENT_BUS_PORT = "5801";
  static final String METRICS_PORT = "9464";
  /** A job-wide limit that keeps every copy unit running for a second or so: the cut lands mid-copy. */
  static final int ROWS_PER_SECOND = 25_000;
  static final Duration LIMIT = Duration.ofMinutes(2);

  final TestPostgres pg = new TestPostgres();
  final String token = UUID.randomUUID().toString();
  NetworkNamespaces network;
  TcpForwarder postgres;
  ProcessCluster cluster;

  @AfterEach
  void stop() throws Exception {
    // The processes first: a namespace in use outlives its name, and its link with it.
    ItCluster.close(cluster, postgres, network, pg);
  }

  @Test
  void aConsolidationAcrossHostsIsExactAfterAWorkerIsCutOffMidCopyAndComesBack() throws Exception {
    long startedAt = System.nanoTime();
    Map<Process, String> namespaceOf = startAcrossNamespaces();
    Map<String, String> tenants = new LinkedHashMap<>();
    for (String id : List.of("a", "b")) {
      String db = pg.createDatabase("multihost_" + id);
      try (Connection c = pg.connect(db)) {
        Fixture.create(c, tenants.size() + 1, ITEMS);
      }
      tenants.put(id, db);
    }
    String target = pg.createDatabase("multihost_target");
    ApiClient api = ItCluster.ready(cluster, token, 2);
    JobProbe jobs = new JobProbe(api);
    note("network, tenants and cluster ready after %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
    List<Process> workers = List.copyOf(namespaceOf.keySet());
    assertEachProcessIsReachedOnlyAtItsAddress(workers);

    // The spec as it would be written on the database's own machine: each process reads localhost as its own.
    ApiClient.Response onLoopback = submit(api, tenants, target, url -> url.replaceFirst("^jdbc:postgresql://[^/]+/",
        "jdbc:postgresql://localhost:5432/"));
    assertThat(onLoopback.status()).as(onLoopback.text()).isEqualTo(400);
    assertThat(onLoopback.text()).contains("localhost:5432", "a loopback address reaches the machine");

    ApiClient.Response submitted = submit(api, tenants, target, this::viaBridge);
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
    String job = submitted.body().path("id").asText();
    TargetProbe probe = new TargetProbe(pg);
    probe.awaitCommittedCopyUnits(target, job, 2, LIMIT);
    JobProbe.Victim victim = jobs.victim(job, workers);
    String cutOff = namespaceOf.get(victim.process());
    Path victimLog = cluster.logOf(victim.process());
    long logStart = Files.size(victimLog);
    network.cut(cutOff);
    long cutAt = System.nanoTime();
    Thread.sleep(300); // a commit the victim sent just before the cut still lands
    Set<String> unfinished = new HashSet<>();
    for (String unit : victim.epochs().keySet()) {
      if (!probe.done(target, job, unit)) {
        unfinished.add(unit);
      }
    }
    note("cut %s off (worker %s, pid %d) holding %s, of them unfinished %s", cutOff, victim.workerId(),
        victim.process().pid(), victim.epochs().keySet(), unfinished);
    assertThat(unfinished).as("copy units the worker was cut off from").isNotEmpty();

    // Both sides of the partition see it: the coordinator hands the units on, the worker loses its coordinator.
    Poll.untilTrue("the cut-off worker's units are taken over", LIMIT, () -> jobs.takenOver(job, victim));
    Poll.untilTrue("the cut-off worker noticed it lost the coordinator", LIMIT,
        () -> FaultInjectionIT.logSince(victimLog, logStart).contains("The coordinator left the cluster"));
    note("partition seen by both sides after %d ms; healing", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt));
    network.heal(cutOff);

    JsonNode finished = Poll.until(job + " ends", LIMIT, () -> {
      JsonNode j = jobs.job(job);
      return StatusView.TERMINAL_STATES.contains(j.path("state").asText()) ? j : null;
    });
    assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("succeeded");
    Poll.untilTrue("the worker cut off joined again", LIMIT, () -> workerIds(api, victim.process().pid()).stream()
        .anyMatch(id -> !id.equals(victim.workerId())));
    note("job succeeded and the worker is back %d ms after the cut", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt));

    TargetChecks checks = new TargetChecks(pg, tenants, target, "merged", "tenant_id");
    long sourceRows = checks.assertTargetEqualsSources(Fixture.TABLES);
    checks.assertEveryUnitCommittedOnce(job, Fixture.TABLES);
    assertThat(finished.path("rows").path("done").asLong()).as("the job's rows.done").isEqualTo(sourceRows);
    assertThat(jobs.units(job, "failed")).isEmpty();
    for (String unit : unfinished) {
      assertThat(probe.epoch(target, job, unit)).as("%s finished under a newer lease", unit)
          .isGreaterThan(victim.epochs().get(unit));
    }
  }

  /**
   * The namespaces, the forwarder to PostgreSQL, and a process in each namespace (their JVMs start while
   * the test fills the tenants); returns each worker's namespace.
   */
  Map<Process, String> startAcrossNamespaces() throws Exception {
    long startedAt = System.nanoTime();
    network = NetworkNamespaces.create("c", "w1", "w2");
    note("namespaces %s on %s.0/24 in %d ms", network.addresses(), network.bridgeAddress().replaceFirst("\\.1$", ""),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
    postgres = new TcpForwarder(network.bridgeAddress(), serverOf(pg.url("postgres")), addresses(network.addresses()));
    cluster = ItCluster.create(getClass());
    cluster.environment("FERRY_API_TOKEN", token);
    cluster.startCoordinator(network.host("c"), "--lease-timeout", "4s", "--chunk-rows", "1000",
        "--event-bus-port", EVENT_BUS_PORT);
    Map<Process, String> namespaceOf = new LinkedHashMap<>();
    namespaceOf.put(cluster.startWorker(network.host("w1"), 2, "--health-port", METRICS_PORT), "w1");
    namespaceOf.put(cluster.startWorker(network.host("w2").bindingEveryInterface(), 2, "--event-bus-port", EVENT_BUS_PORT,
        "--health-port", METRICS_PORT), "w2");
    return namespaceOf;
  }

  /**
   * Each process listens on its namespace's address (the second worker on every interface) and nothing on
   * loopback; the workers' metrics answer from outside their namespaces, as Prometheus scrapes them.
   */
  void assertEachProcessIsReachedOnlyAtItsAddress(List<Process> workers) throws Exception {
    assertListensOnlyOn(cluster.coordinator(), Set.of(network.address("c")));
    assertListensOnlyOn(workers.get(0), Set.of(network.address("w1")));
    assertListensOnlyOn(workers.get(1), Set.of("0.0.0.0", "::"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (String worker : List.of("w1", "w2")) {
      URI metrics = URI.create("http://" + network.address(worker) + ":" + METRICS_PORT + "/metrics");
      Poll.untilTrue(metrics + " answers", LIMIT,
          () -> http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }
  }

  /** The job, each database URL as {@code url} gives it. */
  ApiClient.Response submit(ApiClient api, Map<String, String> tenants, String target, UnaryOperator<String> url) throws Exception {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "multihost");
    List<Map<String, Object>> tenantSpecs = new ArrayList<>();
    tenants.forEach((id, db) -> tenantSpecs.add(Map.of("id", id, "url", url.apply(pg.url(db)), "user", pg.user())));
    spec.put("source", Map.of("engine", "postgresql", "tenants", tenantSpecs));
    spec.put("target", Map.of("engine", "postgresql", "url", url.apply(pg.url(target)), "user", pg.user(),
        "schema", "merged", "tenantColumn", "tenant_id"));
    spec.put("tables", Map.of("include", List.of("public.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 5_000));
    spec.put("limits", Map.of("rowsPerSecond", ROWS_PER_SECOND));
    // The proof is TargetChecks'; verifying would add time, not evidence.
    spec.put("verify", "none");
    return api.post("/api/v1/jobs", Json.encode(spec), "application/json");
  }

  /** The URL with the forwarder's address and port for the server's: the processes never see the server's own. */
  String viaBridge(String url) {
    return url.replaceFirst("^jdbc:postgresql://[^/]+/", "jdbc:postgresql://" + network.bridgeAddress() + ":" + postgres.port() + "/");
  }

  static InetSocketAddress serverOf(String url) {
    Matcher m = Pattern.compile("^jdbc:postgresql://([^:/]+)(?::(\\d+))?/").matcher(url);
    assertThat(m.find()).as("a single-host PostgreSQL URL: %s", url).isTrue();
    return new InetSocketAddress(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
  }

  static Set<InetAddress> addresses(List<String> names) throws Exception {
    Set<InetAddress> out = new HashSet<>();
    for (String name : names) {
      out.add(InetAddress.getByName(name));
    }
    return out;
  }

  /** Every port the process listens on (API, cluster, event bus) is on one of these addresses, none on loopback. */
  static void assertListensOnlyOn(Process process, Set<String> hosts) throws Exception {
    List<String> listening = ListeningSockets.of(process.pid());
    assertThat(listening).as("ports of pid %d", process.pid()).isNotEmpty();
    assertThat(listening).allSatisfy(a -> assertThat(ListeningSockets.host(a)).as(a).isIn(hosts));
  }

  /** The ids the coordinator lists for the worker process {@code pid}. */
  static List<String> workerIds(ApiClient api, long pid) throws Exception {
    List<String> ids = new ArrayList<>();
    api.get("/api/v1/workers").body().path("workers").forEach(w -> {
      if (w.path("pid").asLong() == pid) {
        ids.add(w.path("id").asText());
      }
    });
    return ids;
  }

  static void note(String format, Object... args) {
    System.out.printf("MultiHostIT: %s%n", String.format(format, args));
  }
}
