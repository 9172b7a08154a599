package io.ferry.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole product in one command: three district databases consolidated into one multi-tenant
 * target by a coordinator and two workers running as separate processes, then compared table by table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the demo: build 3 district databases (~1 million rows), start a coordinator and 2 workers",
        "as separate processes, consolidate the districts into one database, and compare source and target.",
        "Uses PostgreSQL on 127.0.0.1:5432 if it answers, otherwise an embedded PostgreSQL."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--pg-host", defaultValue = "127.0.0.1", description = "PostgreSQL host (default: ${DEFAULT-VALUE}).")
  String pgHost;

  @Option(names = "--pg-port", defaultValue = "5432", description = "PostgreSQL port (default: ${DEFAULT-VALUE}).")
  int pgPort;

  @Option(names = "--pg-user", defaultValue = "postgres", description = "PostgreSQL user (default: ${DEFAULT-VALUE}).")
  String pgUser;

  @Option(names = "--pg-password", defaultValue = "", description = "PostgreSQL password (env FERRY_PG_PASSWORD).")
  String pgPassword;

  @Option(names = "--districts", defaultValue = "3", description = "Tenant databases to create (default: ${DEFAULT-VALUE}).")
  int districts;

  @Option(names = "--scale", defaultValue = "1.0", description = "Row count multiplier; 1.0 is ~350,000 rows per district.")
  double scale;

  @Option(names = "--workers", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--keep-running", description = "Leave the cluster running after the demo (stop it with Ctrl-C).")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    say("Ferry demo");
    try (PostgresServer pg = PostgresServer.find(pgHost, pgPort, pgUser, pgPassword)) {
      say("1. PostgreSQL: " + pg.describe());
      String target = "ferry_demo_target";
      long t0 = System.nanoTime();
      long rows = DemoData.create(pg, districts, scale, target);
      say(String.format(Locale.ROOT, "2. Created %d district databases with %,d rows in %.1f s", districts, rows, secondsSince(t0)));
      Path logs = Files.createTempDirectory("ferry-demo-");
      try (ProcessCluster cluster = new ProcessCluster(ProcessCluster.runningJar(), logs)) {
        cluster.startCoordinator();
        for (int i = 0; i < workers; i++) {
          cluster.startWorker(2);
        }
        ApiClient api = new ApiClient(cluster.apiUrl(), null);
        ClusterWait.ready(api, workers);
        say("3. Coordinator and " + workers + " workers running as separate processes (logs in " + logs + ")");
        say("   dashboard: " + cluster.apiUrl() + "/    metrics: " + cluster.apiUrl() + "/metrics    API: " + cluster.apiUrl() + "/api/v1/jobs");
        ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec(pg, target)), "application/json");
        if (submitted.status() != 201) {
          say("The job was refused: HTTP " + submitted.status() + " " + submitted.text());
          return 1;
        }
        String jobId = submitted.body().path("id").asText();
        say("4. Submitted job " + jobId + "; progress:");
        ProgressPrinter progress = new ProgressPrinter();
        JsonNode job = ClusterWait.finished(api, jobId, progress::show);
        progress.last(job);
        say("");
        boolean same = new DemoReport(pg, target, districts).print();
        double seconds = job.path("elapsedSeconds").asDouble();
        long copied = job.path("rows").path("done").asLong();
        say(String.format(Locale.ROOT, "Summary: job %s %s: %,d rows copied in %.1f s (%,.0f rows/s) by %d workers; source and target %s.",
            jobId, job.path("state").asText(), copied, seconds, copied / Math.max(seconds, 0.001), workers,
            same ? "match in every table" : "DIFFER"));
        say(String.format(Locale.ROOT, "The demo took %.0f s in all.", secondsSince(started)));
        if (keepRunning) {
          say("The cluster keeps running (--keep-running); Ctrl-C stops it.");
          Thread.currentThread().join();
        }
        return "succeeded".equals(job.path("state").asText()) && same ? 0 : 1;
      }
    }
  }

  private Map<String, Object> spec(PostgresServer pg, String target) {
    List<Map<String, Object>> tenants = new ArrayList<>();
    for (int d = 1; d <= districts; d++) {
      tenants.add(connection("id", "district_" + d, pg, DemoData.database(d)));
    }
    Map<String, Object> targetSpec = connection("engine", "postgresql", pg, target);
    targetSpec.put("schema", "consolidated");
    targetSpec.put("tenantColumn", "district_id");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "demo");
    spec.put("source", Map.of("engine", "postgresql", "tenants", tenants));
    spec.put("target", targetSpec);
    spec.put("tables", Map.of("include", List.of("public.*")));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 40_000));
    return spec;
  }

  private static Map<String, Object> connection(String firstKey, String firstValue, PostgresServer pg, String database) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put(firstKey, firstValue);
    c.put("url", pg.url(database));
    c.put("user", pg.user());
    if (!pg.password().isEmpty()) {
      // The demo passes its password to the cluster by reference: the processes read it from their environment.
      c.put("password", "${env:FERRY_PG_PASSWORD}");
    }
    return c;
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
