package io.ferry.deploy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.AotCache;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole product in one command: three district databases consolidated into one multi-tenant
 * target by a coordinator and two workers running as separate processes, then the job's verification
 * report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the demo: a coordinator and 2 workers consolidate 3 district databases into one.",
        "It builds the districts (~1 million rows), starts the processes, copies, and ends with the job's"
            + " verification report, as ferry report JOB prints it. It uses PostgreSQL on 127.0.0.1:5432 if it"
            + " answers, otherwise an embedded PostgreSQL; with --source sqlserver the districts are built on the"
            + " SQL Server given by --sqlserver-url.",
        "Exit codes: 0 the verdict is clean, 1 the job failed or the verdict is not clean, 2 usage."})
public final class DemoCommand implements Callable<Integer> {

  /** The engine of the district databases. */
  enum SourceEngine { postgresql, sqlserver }

  @Option(names = "--source", defaultValue = "postgresql",
      paramLabel = "ENGINE", description = "Engine of the district databases: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  SourceEngine source;

  @Option(names = "--sqlserver-url", defaultValue = "jdbc:sqlserver://127.0.0.1:1433;encrypt=false;trustServerCertificate=true",
      paramLabel = "JDBC-URL", description = {"SQL Server for --source sqlserver. Default:",
          "jdbc:sqlserver://127.0.0.1:1433;encrypt=false;", "trustServerCertificate=true."})
  String sqlServerUrl;

  @Option(names = "--sqlserver-user", defaultValue = "ferry", paramLabel = "USER", description = "SQL Server user (default: ${DEFAULT-VALUE}).")
  String sqlServerUser;

  // Never shown: the default is the Babelfish test server's password (docs/testing.md) unless the environment names one.
  @Option(names = "--sqlserver-password", defaultValue = "${env:FERRY_DEMO_MSSQL_PASSWORD:-Ferry-test-1}", paramLabel = "PASSWORD",
      description = "SQL Server password (env FERRY_DEMO_MSSQL_PASSWORD; default: the test server's, see docs/testing.md).")
  String sqlServerPassword;

  @Option(names = "--database-prefix", defaultValue = "ferry_demo", paramLabel = "PREFIX",
      description = "Names of the demo's databases: PREFIX_district_N and PREFIX_target (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--pg-host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "PostgreSQL host (default: ${DEFAULT-VALUE}).")
  String pgHost;

  @Option(names = "--pg-port", defaultValue = "5432", paramLabel = "PORT", description = "PostgreSQL port (default: ${DEFAULT-VALUE}).")
  int pgPort;

  @Option(names = "--pg-user", defaultValue = "postgres", paramLabel = "USER", description = "PostgreSQL user (default: ${DEFAULT-VALUE}).")
  String pgUser;

  @Option(names = "--pg-password", defaultValue = "", paramLabel = "PASSWORD", description = "PostgreSQL password (env FERRY_PG_PASSWORD).")
  String pgPassword;

  @Option(names = "--districts", defaultValue = "3", paramLabel = "N", description = "Tenant databases to create (default: ${DEFAULT-VALUE}).")
  int districts;

  @Option(names = "--scale", defaultValue = "1.0", paramLabel = "FACTOR", description = "Row count multiplier; 1.0 is ~350,000 rows per district.")
  double scale;

  @Option(names = "--workers", defaultValue = "2", paramLabel = "N", description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--keep-running", description = "Leave the cluster running after the demo (stop it with Ctrl-C).")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    if (districts < 1 || workers < 1 || DemoData.students(scale) < 1 || !prefix.matches("[a-z][a-z0-9_]{0,40}")) {
      System.err.println("ferry demo: --districts and --workers must be at least 1, --scale at least 0.00001, and"
          + " --database-prefix lower-case letters, digits and _ (at most 41, starting with a letter)");
      return 2;
    }
    long started = System.nanoTime();
    say("Ferry demo");
    try (PostgresServer pg = PostgresServer.find(pgHost, pgPort, pgUser, pgPassword)) {
      DemoSource districtSource = source == SourceEngine.sqlserver
          ? SqlServerDemoSource.connect(sqlServerUrl, sqlServerUser, sqlServerPassword, prefix)
          : new PostgresDemoSource(pg, prefix);
      say("1. PostgreSQL: " + pg.describe());
      say("   districts on " + districtSource.describe());
      String target = prefix + "_target";
      long t0 = System.nanoTime();
      DemoData.recreate(pg, target);
      long rows = districtSource.create(districts, scale);
      say(String.format(Locale.ROOT, "2. Created %d district databases with %,d rows in %.1f s", districts, rows, secondsSince(t0)));
      Path logs = Files.createTempDirectory("ferry-demo-");
      try (ProcessCluster cluster = new ProcessCluster(ProcessCluster.runningJar(), logs)) {
        districtSource.environment().forEach(cluster::environment);
        PostgresDemoSource.environment(pg).forEach(cluster::environment);
        // As deploy/bin/ferry starts them: with the roles' ahead-of-time caches where a training run left them.
        cluster.aot(new AotCache(ProcessCluster.runningJar().getParent()), false);
        cluster.startCoordinator();
        for (int i = 0; i < workers; i++) {
          cluster.startWorker(2);
        }
        ApiClient api = new ApiClient(cluster.apiUrl(), null);
        ClusterWait.ready(api, workers);
        say("3. Coordinator and " + workers + (workers == 1 ? " worker" : " workers") + " running as separate processes (logs in "
            + logs + ")");
        say("   dashboard: " + cluster.apiUrl() + "/    metrics: " + cluster.apiUrl() + "/metrics    API: " + cluster.apiUrl() + "/api/v1/jobs");
        ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec(districtSource, pg, target)), "application/json");
        if (submitted.status() != 201) {
          say("The job was refused: HTTP " + submitted.status() + " " + submitted.text());
          return 1;
        }
        String jobId = submitted.body().path("id").asText();
        say("4. Submitted job " + jobId + "; progress:");
        ProgressPrinter progress = new ProgressPrinter();
        JsonNode job = ClusterWait.finished(api, jobId, progress::show);
        progress.last(job);
        ApiClient.Response report = api.get("/api/v1/jobs/" + jobId + "/report");
        if (report.status() != 200 || report.body() == null) {
          say("The job's report could not be read: HTTP " + report.status() + " " + report.text());
          return 1;
        }
        say("");
        say("5. Verification report (ferry report " + jobId + " --coordinator " + cluster.apiUrl() + "):");
        int status = DemoReport.print(job, report.body(), workers, System.out);
        say(String.format(Locale.ROOT, "The demo took %.0f s in all.", secondsSince(started)));
        if (keepRunning) {
          say("The cluster keeps running (--keep-running); Ctrl-C stops it.");
          Thread.currentThread().join();
        }
        return status;
      }
    }
  }

  private Map<String, Object> spec(DemoSource districtSource, PostgresServer pg, String target) {
    Map<String, Object> targetSpec = PostgresDemoSource.connection(pg, "engine", "postgresql", target);
    targetSpec.put("schema", "consolidated");
    targetSpec.put("tenantColumn", "district_id");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "demo");
    spec.put("source", districtSource.spec(districts));
    spec.put("target", targetSpec);
    spec.put("tables", Map.of("include", List.of(districtSource.include())));
    spec.put("mode", "drop_recreate");
    spec.put("unit", Map.of("rows", 40_000));
    return spec;
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
