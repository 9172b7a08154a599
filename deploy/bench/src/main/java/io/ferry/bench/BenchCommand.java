package io.ferry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import io.ferry.deploy.cluster.AotCache;
import io.ferry.deploy.cluster.ProcessCluster;
import io.ferry.deploy.demo.ClusterWait;
import io.ferry.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark (deploy/bench/run.sh): Ferry with W workers × U units against parallel psql binary COPY
 * pipes over the same key ranges at the same parallelism, per table, with each worker's peak heap. It runs
 * from {@code ferry-bench.jar}, whose manifest puts the {@code ferry.jar} it benchmarks on the class path;
 * the cluster's processes run that jar.
 */
@Command(name = "ferry-bench", mixinStandardHelpOptions = true, subcommands = CapacityCommand.class,
    description = "Benchmark Ferry against psql COPY pipes on a local PostgreSQL (see docs/benchmarks.md).")
public final class BenchCommand implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Option(names = "--pg-host", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--pg-port", defaultValue = "5432")
  int port;

  @Option(names = "--pg-user", defaultValue = "postgres")
  String user;

  @Option(names = "--workers", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--units", defaultValue = "2", description = "Units per worker at once (default: ${DEFAULT-VALUE}).")
  int units;

  @Option(names = "--tables", defaultValue = "narrow,wide,skewed", split = ",")
  List<String> tables;

  @Option(names = "--scale", defaultValue = "1.0", description = "Row count multiplier (1.0: 10 M / 1 M / 3 M rows).")
  double scale;

  @Option(names = "--rebuild", description = "Rebuild the source tables even if they exist.")
  boolean rebuild;

  @Option(names = "--finer", defaultValue = "10", description = "Also run narrow with units this many times smaller.")
  int finer;

  @Option(names = "--repeat", defaultValue = "1",
      description = "Measure each table this many times, and report the spread (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run rounds of unmeasured jobs first until the JIT compilers of Ferry's processes settle (at most 8), then"
          + " each measured job once unmeasured, so the coordinator and workers are measured compiled, as in a running"
          + " cluster (default: ${DEFAULT-VALUE}).")
  boolean warmup;

  @Option(names = "--modes", defaultValue = "drop_recreate", split = ",",
      description = "Job modes to measure, each against a pipe into the same table state: create and drop_recreate load a"
          + " table without its key and add it after; truncate, append and preserve_schema load into a table that has it"
          + " (default: ${DEFAULT-VALUE}).")
  List<String> modes;

  @Option(names = "--cold", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also measure a freshly started cluster in each run: a new coordinator and workers, no warm-up, each"
          + " table's job once, one after another (default: ${DEFAULT-VALUE}).")
  boolean cold;

  @Option(names = "--aot", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "On JDK 25+, start Ferry's processes with their ahead-of-time caches (ferry-coordinator.aot,"
          + " ferry-worker.aot beside ferry.jar), training them first with warm-up jobs when missing or older than the jar,"
          + " as deploy/bin/ferry uses them (default: ${DEFAULT-VALUE}).")
  boolean aot;

  @Option(names = "--background-load", defaultValue = "none",
      description = "none, checkpoint (CHECKPOINT in the target once a second) or vacuum (VACUUM of the source database over"
          + " and over), during every measured copy, Ferry's and the pipes' (default: ${DEFAULT-VALUE}).")
  String backgroundLoad;

  @Option(names = "--out", defaultValue = "deploy/bench/results.md", description = "Where to write the result table.")
  Path out;

  @Option(names = "--verify", description = "Measure verification instead of copies: a job of mode verify over each table"
      + " (copied first) against SELECT count(*) of the same ranges on both databases at the same parallelism.")
  boolean verify;

  @Option(names = "--source", defaultValue = "postgresql",
      description = "postgresql, or sqlserver: SQL Server → PostgreSQL against a single-stream pipe and pgloader (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--sqlserver-url", defaultValue = "jdbc:sqlserver://127.0.0.1:1433;encrypt=false;trustServerCertificate=true",
      description = "The SQL Server for --source sqlserver (default: ${DEFAULT-VALUE}).")
  String sqlServerUrl;

  @Option(names = "--sqlserver-user", defaultValue = "ferry")
  String sqlServerUser;

  // Never shown: the default is the Babelfish test server's password (docs/testing.md).
  @Option(names = "--sqlserver-password", defaultValue = "${env:FERRY_BENCH_MSSQL_PASSWORD:-Ferry-test-1}",
      description = "SQL Server password (env FERRY_BENCH_MSSQL_PASSWORD; default: the test server's).")
  String sqlServerPassword;

  @Option(names = "--pgloader-timeout", defaultValue = "1200",
      description = "Seconds pgloader may take over one table before it is stopped and recorded as not finished"
          + " (--source sqlserver; default: ${DEFAULT-VALUE}).")
  int pgloaderTimeout;

  @Override
  public Integer call() throws Exception {
    if (repeat < 1 || finer < 1 || pgloaderTimeout < 1) {
      System.err.println("--repeat, --finer and --pgloader-timeout must be at least 1");
      return 2;
    }
    List<String> known = List.of("create", "drop_recreate", "truncate", "append", "preserve_schema");
    if (!known.containsAll(modes) || !List.of("none", "checkpoint", "vacuum").contains(backgroundLoad)) {
      System.err.println("--modes takes " + String.join(", ", known) + "; --background-load none, checkpoint or vacuum");
      return 2;
    }
    BenchData data = new BenchData("jdbc:postgresql://" + host + ":" + port + "/", user);
    try (BenchLock lock = BenchLock.acquire(data)) {
      return switch (source) {
        case "postgresql" -> verify ? runVerify(data) : run(data);
        case "sqlserver" -> runSqlServer(data);
        default -> {
          System.err.println("--source is postgresql or sqlserver, not " + source);
          yield 2;
        }
      };
    }
  }

  private int runSqlServer(BenchData data) throws Exception {
    SqlServerBenchData sqlServer = new SqlServerBenchData(sqlServerUrl, sqlServerUser, sqlServerPassword);
    write(new SqlServerBench(sqlServer, data, host, port, user, workers, units,
        Duration.ofSeconds(pgloaderTimeout)).run(tables, scale, rebuild, warmup, repeat));
    return 0;
  }

  private int runVerify(BenchData data) throws Exception {
    write(new VerifyBench(data, host, port, user, workers, units).run(tables, scale, rebuild, warmup, repeat));
    return 0;
  }

  /** Prints the report and writes it to {@code --out}. */
  private void write(String report) throws java.io.IOException {
    System.out.println();
    System.out.println(report);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, report);
    System.out.println("written to " + out);
  }

  private int run(BenchData data) throws Exception {
    for (String table : tables) {
      data.ensure(table, scale, rebuild);
    }
    List<BenchReport.Row> rows = new ArrayList<>();
    Path logs = Files.createTempDirectory("ferry-bench-");
    AotCache caches = aot && AotCache.supported() ? new AotCache(ProcessCluster.runningJar().getParent()) : null;
    if (caches != null) {
      train(data, caches, logs.resolve("training"));
    }
    try (ProcessCluster cluster = new ProcessCluster(ProcessCluster.runningJar(), logs.resolve("warm"))) {
      cluster.aot(caches, false);
      ApiClient api = BenchCommand.start(cluster, workers, units);
      if (warmup) {
        warmUp(api, data, ferryProcesses(cluster));
        rehearse(api);
      }
      PipeRun pipe = new PipeRun(data, host, port, user);
      for (int run = 1; run <= repeat; run++) {
        if (cold) {
          measureCold(data, pipe, caches, logs.resolve("cold-" + run), run, rows);
        }
        for (String table : tables) {
          for (String mode : modes) {
            List<Long> variants = unitSizes(table);
            // Every other run starts with the other size: a machine that speeds up or slows down during the
            // benchmark then favours neither.
            for (long size : run % 2 == 1 ? variants : variants.reversed()) {
              rows.add(measure(api, cluster, data, pipe, table, size, mode, "warm", run));
              System.out.println(BenchReport.format(rows.get(rows.size() - 1)));
            }
          }
        }
      }
    }
    data.dropTarget();
    write(BenchReport.of(setting(), rows));
    System.out.println("cluster logs in " + logs);
    return 0;
  }

  /**
   * A fresh coordinator and workers, no warm-up: each table's job (at its default unit size) once per mode,
   * one after another, as a first migration on a new cluster runs. The first job pays the processes' JIT
   * warm-up and first connections; the ones after it less.
   */
  private void measureCold(BenchData data, PipeRun pipe, AotCache caches, Path logs, int run, List<BenchReport.Row> rows)
      throws Exception {
    try (ProcessCluster fresh = new ProcessCluster(ProcessCluster.runningJar(), logs)) {
      fresh.aot(caches, false);
      ApiClient api = BenchCommand.start(fresh, workers, units);
      for (String table : tables) {
        for (String mode : modes) {
          rows.add(measure(api, fresh, data, pipe, table, unitSizes(table).get(0), mode, "cold", run));
          System.out.println(BenchReport.format(rows.get(rows.size() - 1)));
        }
      }
    }
  }

  /**
   * Trains the processes' ahead-of-time caches when they are missing or older than the jar: a cluster
   * whose coordinator and first worker record what they load and profile runs the warm-up jobs (and each
   * mode once on the warm-up table) and stops; the caches they write on the way out are put in place.
   */
  private void train(BenchData data, AotCache caches, Path logs) throws Exception {
    Path jar = ProcessCluster.runningJar();
    if (caches.current("coordinator", jar) && caches.current("worker", jar)) {
      System.out.println("ahead-of-time caches: " + caches.file("coordinator") + ", " + caches.file("worker"));
      return;
    }
    long started = System.nanoTime();
    try (ProcessCluster training = new ProcessCluster(jar, logs)) {
      training.aot(caches, true);
      ApiClient api = BenchCommand.start(training, workers, units);
      data.ensure(BenchData.WARMUP, 1.0, false);
      long tableRows = BenchData.rows(BenchData.WARMUP, 1.0);
      for (long unitRows : new long[] {tableRows / 2, tableRows / 20, tableRows / 200, tableRows / 1000}) {
        runJob(api, spec(BenchData.WARMUP, unitRows), "training");
      }
      for (String mode : modes) {
        prepareTarget(data, BenchData.WARMUP, mode);
        runJob(api, spec(BenchData.WARMUP, tableRows / 40, mode), "training");
      }
    }
    System.out.printf(Locale.ROOT, "ahead-of-time caches trained in %.1f s: %s%n", (System.nanoTime() - started) / 1e9,
        caches.install(jar));
  }
  /** Starts the coordinator and the workers, each with {@code units} slots, and waits until they are ready. */
  static ApiClient start(ProcessCluster cluster, int workers, int units) throws Exception {
    cluster.startCoordinator();
    for (int i = 0; i < workers; i++) {
      cluster.startWorker(units);
    }
    ApiClient api = new ApiClient(cluster.apiUrl(), null);
    ClusterWait.ready(api, workers);
    return api;
  }

  /** The unit sizes a table is measured at: 1/40 of it, and for narrow also {@code finer} times smaller. */
  private List<Long> unitSizes(String table) {
    long unitRows = Math.max(1000, BenchData.rows(table, scale) / 40);
    return table.equals("narrow") && finer > 1 ? List.of(unitRows, Math.max(100, unitRows / finer)) : List.of(unitRows);
  }

  /**
   * Every measured job once, unmeasured, after the warm-up: a 25,000-row unit runs paths that the warm-up
   * table's units do not make hot (its chunks fill the write buffer; it lasts long enough to claim a
   * successor and lend its slot), and the first measured 400-unit jobs still had the JIT compilers use
   * twice the CPU of the later ones.
   */
  private void rehearse(ApiClient api) throws Exception {
    long started = System.nanoTime();
    int jobs = 0;
    for (String table : tables) {
      for (long unitRows : unitSizes(table)) {
        runJob(api, spec(table, unitRows), "rehearsal");
        jobs++;
      }
    }
    System.out.printf(Locale.ROOT, "rehearsal: each measured job once, %d jobs in %.1f s (not measured)%n", jobs,
        (System.nanoTime() - started) / 1e9);
  }

  static void runJob(ApiClient api, Map<String, Object> spec, String what) throws Exception {
    ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
    if (submitted.status() != 201) {
      throw new IllegalStateException(what + " job refused: " + submitted.text());
    }
    JsonNode job = ClusterWait.finished(api, submitted.body().path("id").asText(), j -> { }, 100);
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new IllegalStateException(what + " job did not succeed: " + job);
    }
  }

  private Map<String, Object> spec(String table, long unitRows) {
    return spec(table, unitRows, "drop_recreate");
  }

  private Map<String, Object> spec(String table, long unitRows, String mode) {
    return spec("jdbc:postgresql://" + host + ":" + port + "/", user, table, unitRows, mode);
  }

  /**
   * The target table as the mode expects it: none for create and drop_recreate, an empty one with its primary
   * key for the others (truncate would empty a full one; append and preserve_schema load into what is there).
   */
  private static void prepareTarget(BenchData data, String table, String mode) throws Exception {
    data.clearBefore("bench", table);
    if (BenchData.keyBeforeLoad(mode)) {
      data.createLike("bench", table, true);
    }
  }

  /**
   * A job over one benchmark table, from {@link BenchData#SOURCE} into schema {@code bench} of
   * {@link BenchData#TARGET} on {@code server} ({@code jdbc:postgresql://host:port/}): mode
   * {@code drop_recreate} copies it without verifying, mode {@code verify} compares the two.
   */
  static Map<String, Object> spec(String server, String user, String table, long unitRows, String mode) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", "bench-" + table);
    spec.put("source", Map.of("engine", "postgresql", "tenants",
        List.of(Map.of("id", "bench", "url", server + BenchData.SOURCE, "user", user))));
    spec.put("target", Map.of("engine", "postgresql", "url", server + BenchData.TARGET, "user", user, "schema", "bench"));
    spec.put("tables", Map.of("include", List.of("public." + table)));
    spec.put("mode", mode);
    if (!mode.equals("verify")) {
      // The copy's throughput is measured: a verification after it would count in the job's time.
      spec.put("verify", "none");
    }
    spec.put("unit", Map.of("rows", unitRows, "bytes", 1L << 40));
    return spec;
  }

  /** Warm-up rounds at most: a cluster whose compilers never settle is measured after this many, and says so. */
  static final int MAX_WARMUP_ROUNDS = 8;
  /** The JIT has settled when its compilers used less than this share of a round's Ferry CPU. */
  static final double JIT_SETTLED = 0.20;

  /**
   * Coordinator and workers are long-lived services, and a migration long enough for its unit size to
   * matter runs far past their JIT warm-up; the benchmark's jobs last seconds. A fresh JVM spends its
   * first seconds compiling the copy path, and the control plane (claims, results, the event bus'
   * dispatch, the coordinator's scheduler) only gets hot in jobs of many small units: until it is
   * compiled, the compilers take seconds of CPU from the PostgreSQL backends of whatever job is measured,
   * more from the job of small units. So rounds of four
   * unmeasured jobs over a small table (units of 2 chunks, and 20, 200 and 1,000 units) run until the
   * Ferry processes' JIT compilers used less than {@link #JIT_SETTLED} of their CPU in a round, at most
   * {@link #MAX_WARMUP_ROUNDS}; each round's figures are printed. {@code --no-warmup} measures cold
   * processes.
   */
  private void warmUp(ApiClient api, BenchData data, List<Process> ferryProcesses) throws Exception {
    data.ensure(BenchData.WARMUP, 1.0, false);
    long tableRows = BenchData.rows(BenchData.WARMUP, 1.0);
    for (int round = 1; round <= MAX_WARMUP_ROUNDS; round++) {
      long started = System.nanoTime();
      double cpu = ClientCpu.of(ferryProcesses);
      double jit = ClientCpu.compilers(ferryProcesses);
      for (long unitRows : new long[] {tableRows / 2, tableRows / 20, tableRows / 200, tableRows / 1000}) {
        runJob(api, spec(BenchData.WARMUP, unitRows), "warm-up");
      }
      cpu = ClientCpu.of(ferryProcesses) - cpu;
      jit = ClientCpu.compilers(ferryProcesses) - jit;
      System.out.printf(Locale.ROOT, "warm-up round %d: 4 jobs over %s in %.1f s (not measured); Ferry's processes used"
          + " %.1f CPU s, their JIT compilers %.1f s%n", round, BenchData.WARMUP, (System.nanoTime() - started) / 1e9, cpu, jit);
      if (cpu <= 0 || jit < 0) {
        System.out.println("warm-up: the compilers' CPU cannot be read here; measuring after one round");
        return;
      }
      if (jit < JIT_SETTLED * cpu) {
        System.out.printf(Locale.ROOT, "warm-up: the JIT settled after %d round(s)%n", round);
        return;
      }
    }
    System.out.printf(Locale.ROOT, "warm-up: the JIT did not settle in %d rounds; measuring anyway%n", MAX_WARMUP_ROUNDS);
  }

  private BenchReport.Row measure(ApiClient api, ProcessCluster cluster, BenchData data, PipeRun pipe, String table,
      long unitRows, String mode, String state, int run) throws Exception {
    Map<String, Object> spec = spec(table, unitRows, mode);
    prepareTarget(data, table, mode);
    List<Process> ferryProcesses = ferryProcesses(cluster);
    double ferryCpuBefore = ClientCpu.of(ferryProcesses);
    double jitBefore = ClientCpu.compilers(ferryProcesses);
    FerryPhases phases = new FerryPhases(System.nanoTime());
    JsonNode job;
    long peak;
    double ferryServerCpu;
    try (HeapSampler heap = new HeapSampler(cluster.workers()); BackgroundLoad load = BackgroundLoad.start(data, backgroundLoad)) {
      ServerCpu server = ServerCpu.start(data, load);
      ApiClient.Response submitted = api.post("/api/v1/jobs", Json.encode(spec), "application/json");
      if (submitted.status() != 201) {
        throw new IllegalStateException("bench job refused: " + submitted.text());
      }
      // Polled every 100 ms: the end of the job is known to a tenth of a second, as the pipes' end is.
      job = ClusterWait.finished(api, submitted.body().path("id").asText(),
          j -> phases.seen(j.path("phase").asText(), System.nanoTime()), 100);
      phases.ended(System.nanoTime());
      peak = heap.maxPeak();
      ferryServerCpu = server.stop();
    }
    double ferryCpu = ClientCpu.of(ferryProcesses) - ferryCpuBefore;
    double jitCpu = jitBefore < 0 ? -1 : ClientCpu.compilers(ferryProcesses) - jitBefore;
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new IllegalStateException("bench job did not succeed: " + job);
    }
    List<long[]> ranges = UnitRanges.of(api, job.path("id").asText(), "copy");
    double pipeCpuBefore = ClientCpu.endedChildren();
    PipeRun.Timing pipeTiming;
    double pipeServerCpu;
    try (BackgroundLoad load = BackgroundLoad.start(data, backgroundLoad)) {
      ServerCpu server = ServerCpu.start(data, load);
      pipeTiming = pipe.run(table, ranges, workers * units, mode);
      pipeServerCpu = server.stop();
    }
    double pipeCpu = ClientCpu.endedChildren() - pipeCpuBefore;
    long copied = job.path("rows").path("done").asLong();
    if (pipe.targetRows(table) != copied) {
      throw new IllegalStateException("pipe copied " + pipe.targetRows(table) + " rows of " + table + ", Ferry " + copied);
    }
    return new BenchReport.Row(table, run, String.format(Locale.ROOT, "%,d", unitRows), copied, data.tableBytes(table), phases,
        pipeTiming, peak, ranges.size(), ferryCpu, jitCpu, pipeCpu, mode, state, ferryServerCpu, pipeServerCpu);
  }

  private static List<Process> ferryProcesses(ProcessCluster cluster) {
    List<Process> processes = new ArrayList<>(cluster.workers());
    processes.add(cluster.coordinator());
    return processes;
  }

  private String setting() {
    return String.format(Locale.ROOT, "%d workers × %d units (parallelism %d), scale %s, warm cluster %s%s, %d cores, Java %s,"
        + " ahead-of-time caches %s, background load %s, load average %s at the end",
        workers, units, workers * units, scale, warmup ? "after a warm-up" : "without a warm-up",
        cold ? ", cold: a fresh cluster per run" : "", Runtime.getRuntime().availableProcessors(), Runtime.version(),
        aot && AotCache.supported() ? "on" : "off", backgroundLoad, ClientCpu.loadAverage());
  }
}
