package io.ferry.bench;

import io.ferry.deploy.cluster.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry-bench capacity}: how many unit claims one coordinator answers, with what latency and CPU
 * per unit, for each number of simulated workers and each job size. Each (job size, workers) cell gets a
 * fresh coordinator process and target database, runs an unmeasured warm-up job (the coordinator's JIT
 * then compiles the claim path before it is measured), then the measured job.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
    description = {"Drive a real coordinator with simulated workers (no databases but the coordinator's target) and"
        + " report claims/s, claim latency p50/p99 and coordinator CPU per unit (see docs/scaling.md)."})
public final class CapacityCommand implements Callable<Integer> {


  @Option(names = "--pg-host", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--pg-port", defaultValue = "5432")
  int port;

  @Option(names = "--pg-user", defaultValue = "postgres")
  String user;

  @Option(names = "--target-database", defaultValue = "ferry_capacity",
      description = "The database the coordinators record their jobs in, dropped and created again for each one;"
          + " two runs at once on one server need two names (default: ${DEFAULT-VALUE}).")
  String targetDatabase;

  @Option(names = "--workers", defaultValue = "1,8,32,128", split = ",",
      description = "Simulated worker counts (default: ${DEFAULT-VALUE}).")
  List<Integer> workers;

  @Option(names = "--job-units", defaultValue = "1000,10000,100000", split = ",",
      description = "Copy units per measured job (default: ${DEFAULT-VALUE}).")
  List<Long> jobUnits;

  @Option(names = "--slots", defaultValue = "4", description = "Units each simulated worker runs at once (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--unit-millis", defaultValue = "0",
      description = "How long a simulated unit runs; 0 ends it at once (default: ${DEFAULT-VALUE}).")
  long unitMillis;

  @Option(names = "--tenants", defaultValue = "10", description = "Tenants per job (default: ${DEFAULT-VALUE}).")
  int tenants;

  @Option(names = "--units-per-table", defaultValue = "100",
      description = "Copy units per tenant table; a job has job-units / (tenants × this) tables (default: ${DEFAULT-VALUE}).")
  int unitsPerTable;

  @Option(names = "--warmup-units", defaultValue = "5000",
      description = "Units of the unmeasured job before each measured one; 0 for none (default: ${DEFAULT-VALUE}).")
  long warmupUnits;

  @Option(names = "--repeat", defaultValue = "1", description = "Measure every cell this many times (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--coordinator-heap", defaultValue = "1g", description = "The coordinator's -Xmx (default: ${DEFAULT-VALUE}).")
  String coordinatorHeap;

  @Option(names = "--out", defaultValue = "deploy/bench/capacity.md", description = "Where to write the result table.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!targetDatabase.matches("[a-z_][a-z0-9_]{0,62}")) {
      // It is dropped and created by name: only a plain identifier is let through.
      System.err.println("--target-database: a lower-case name of letters, digits and underscores, not '" + targetDatabase + "'");
      return 2;
    }
    CapacityRun.Shape shape = new CapacityRun.Shape(tenants, unitsPerTable, 1000);
    Path logs = Files.createTempDirectory("ferry-capacity-");
    List<CapacityRun.Result> results = new ArrayList<>();
    System.out.println(CapacityReport.HEADER);
    for (int r = 1; r <= repeat; r++) {
      for (long units : jobUnits) {
        for (int w : workers) {
          String server = "jdbc:postgresql://" + host + ":" + port + "/";
          // A fresh target each time: the coordinator loads every job recorded in its targets at start-up.
          CapacityRun.recreate(server, user, targetDatabase);
          CapacityRun.Target target = new CapacityRun.Target(server + targetDatabase, user, null);
          try (CapacityRun run = CapacityRun.start(ProcessCluster.runningJar(), logs.resolve(units + "-" + w + "-" + r),
              coordinatorHeap, target, shape, w, slots, unitMillis)) {
            if (warmupUnits > 0) {
              run.job(warmupUnits);
            }
            CapacityRun.Result result = run.job(units);
            results.add(result);
            System.out.println(CapacityReport.row(result));
          }
        }
      }
    }
    String report = CapacityReport.of(setting(shape), results);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, report);
    System.out.println("written to " + out + "; cluster logs in " + logs);
    return 0;
  }

  private String setting(CapacityRun.Shape shape) {
    return String.format(Locale.ROOT, "%d slots per worker, units of %s, %d tenants × %d units per table, warm-up job of %d units,"
            + " coordinator -Xmx%s, %d cores, load average %s, Java %s", slots,
        unitMillis == 0 ? "no duration" : unitMillis + " ms", shape.tenants(), shape.unitsPerTable(), warmupUnits,
        coordinatorHeap, Runtime.getRuntime().availableProcessors(), ClientCpu.loadAverage(), Runtime.version());
  }
}
