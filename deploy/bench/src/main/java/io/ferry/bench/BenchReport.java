package io.ferry.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's Markdown report: one line per measured job, then, when tables were measured more than
 * once or narrow was also split finer, the spread of each figure over the runs and the finer split's
 * effect run by run.
 */
final class BenchReport {

  /**
   * One measured job and the pipes over its ranges. {@code run} counts from 1 per table.
   *
   * @param ferryJitCpu    the part of {@code ferryCpu} its JIT compiler threads used (-1: unknown)
   * @param mode           the job's mode (the pipe loaded into the same table state)
   * @param cluster        {@code cold}: a freshly started cluster's jobs; {@code warm}: after the warm-up
   * @param ferryServerCpu CPU seconds of the PostgreSQL backends serving Ferry's job (-1: unknown)
   * @param pipeServerCpu  the same for the pipes
   */
  record Row(String table, int run, String unitRows, long rows, long bytes, FerryPhases ferry, PipeRun.Timing pipe,
             long peakHeap, int unitCount, double ferryCpu, double ferryJitCpu, double pipeCpu, String mode,
             String cluster, double ferryServerCpu, double pipeServerCpu) {

    /** The figures that are compared across runs: the same table, unit size, mode and cluster state. */
    String variant() {
      return table + " " + unitRows + " " + mode + " " + cluster;
    }
  }

  static final String HEADER = "| table | unit rows | rows | MB | Ferry s | pipe s | Ferry/pipe | Ferry setup s | Ferry copy s "
      + "| pipe copy s | copy Ferry/pipe | Ferry finish s | pipe finish s | Ferry rows/s | pipe rows/s | Ferry MB/s | pipe MB/s "
      + "| worker peak heap MB | Ferry client CPU s | of which JIT s | pipe client CPU s | run "
      + "| mode | cluster | PostgreSQL CPU s, Ferry | PostgreSQL CPU s, pipe |\n"
      + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

  private BenchReport() {
  }

  static String format(Row r) {
    double mb = r.bytes() / 1048576.0;
    FerryPhases f = r.ferry();
    PipeRun.Timing p = r.pipe();
    return String.format(Locale.ROOT,
        "| %s | %s (%d units) | %,d | %,.0f | %.1f | %.1f | %.2f | %.1f | %.1f | %.1f | %.2f | %.1f | %.1f | %,.0f | %,.0f | %.1f | %.1f | %,.0f | %.1f | %.1f | %.1f | %d | %s | %s | %.1f | %.1f |",
        r.table(), r.unitRows(), r.unitCount(), r.rows(), mb, f.seconds(), p.seconds(), p.seconds() / f.seconds(),
        f.setupSeconds(), f.copySeconds(), p.copySeconds(), p.copySeconds() / f.copySeconds(), f.finishSeconds(),
        p.finishSeconds(), r.rows() / f.seconds(), r.rows() / p.seconds(), mb / f.seconds(), mb / p.seconds(), r.peakHeap() / 1048576.0, r.ferryCpu(), r.ferryJitCpu(), r.pipeCpu(), r.run(),
        r.mode(), r.cluster(), r.ferryServerCpu(), r.pipeServerCpu());
  }

  /** @param setting the first line: workers, units, scale, machine */
  static String of(String setting, List<Row> rows) {
    StringBuilder sb = new StringBuilder(setting).append("\n\n").append(HEADER);
    rows.forEach(r -> sb.append(format(r)).append('\n'));
    Map<String, List<Row>> byVariant = new LinkedHashMap<>();
    rows.forEach(r -> byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r));
    if (byVariant.values().stream().anyMatch(v -> v.size() > 1) || byVariant.size() > 1) {
      sb.append("\nOver the runs (median, and the range); CPU seconds per job, medians:\n\n")
          .append("| table | unit rows | mode | cluster | runs | Ferry s | Ferry rows/s | Ferry/pipe | copy Ferry/pipe "
              + "| worker peak heap MB | Ferry CPU s | of which JIT s | PostgreSQL CPU s, Ferry | PostgreSQL CPU s, pipe |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (List<Row> variant : byVariant.values()) {
        Row first = variant.get(0);
        sb.append(String.format(Locale.ROOT, "| %s | %s (%d units) | %s | %s | %d | %s | %s | %s | %s | %,.0f | %.1f | %.1f | %.1f | %.1f |%n",
            first.table(), first.unitRows(), first.unitCount(), first.mode(), first.cluster(), variant.size(),
            Spread.of(variant.stream().map(r -> r.ferry().seconds()).toList()).withRange("%.1f"),
            Spread.of(variant.stream().map(r -> r.rows() / r.ferry().seconds()).toList()).withRange("%,.0f"),
            Spread.of(variant.stream().map(r -> r.pipe().seconds() / r.ferry().seconds()).toList()).withRange("%.2f"),
            Spread.of(variant.stream().map(r -> r.pipe().copySeconds() / r.ferry().copySeconds()).toList()).withRange("%.2f"),
            variant.stream().mapToLong(Row::peakHeap).max().orElse(0) / 1048576.0,
            Spread.of(variant.stream().map(Row::ferryCpu).toList()).median(),
            Spread.of(variant.stream().map(Row::ferryJitCpu).toList()).median(),
            Spread.of(variant.stream().map(Row::ferryServerCpu).toList()).median(),
            Spread.of(variant.stream().map(Row::pipeServerCpu).toList()).median()));
      }
    }
    sb.append(finerSplit(rows));
    return sb.toString();
  }

  /**
   * Each run of a table measured at two unit sizes, as a pair: how much throughput changed at the finer
   * size (same rows, so the change is the coarse job's seconds over the finer one's, less one), and what
   * each extra unit cost Ferry's processes in CPU. The CPU figure is the per-unit overhead itself; the
   * throughput change also carries the machine's drift between the two jobs.
   */
  static String finerSplit(List<Row> rows) {
    Map<String, List<Row>> byRun = new LinkedHashMap<>();
    rows.forEach(r -> byRun.computeIfAbsent(r.table() + " " + r.mode() + " " + r.cluster() + " " + r.run(),
        k -> new ArrayList<>()).add(r));
    List<Row[]> pairs = byRun.values().stream().filter(l -> l.size() == 2)
        .map(l -> l.stream().sorted(Comparator.comparingInt(Row::unitCount)).toArray(Row[]::new)).toList();
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("\nSplit finer (the same table in more, smaller units; runs alternate which size goes first):\n\n")
        .append("| table | run | units | Ferry s | Ferry throughput | Ferry copy phase | pipe throughput | Ferry CPU ms per extra unit"
            + " | of which JIT ms |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    List<Double> ferry = new ArrayList<>();
    List<Double> copy = new ArrayList<>();
    List<Double> pipe = new ArrayList<>();
    List<Double> cpuPerUnit = new ArrayList<>();
    List<Double> outsideJit = new ArrayList<>();
    for (Row[] p : pairs) {
      double f = p[0].ferry().seconds() / p[1].ferry().seconds() - 1;
      double c = p[0].ferry().copySeconds() / p[1].ferry().copySeconds() - 1;
      double q = p[0].pipe().seconds() / p[1].pipe().seconds() - 1;
      ferry.add(f);
      copy.add(c);
      pipe.add(q);
      int extraUnits = p[1].unitCount() - p[0].unitCount();
      double ms = 1000 * (p[1].ferryCpu() - p[0].ferryCpu()) / extraUnits;
      cpuPerUnit.add(ms);
      // The compilers' part varies by a second or more from job to job in a warmed-up cluster, and is no
      // per-unit cost: the rest is the overhead itself, less blurred.
      boolean jitKnown = p[0].ferryJitCpu() >= 0 && p[1].ferryJitCpu() >= 0;
      double jitMs = jitKnown ? 1000 * (p[1].ferryJitCpu() - p[0].ferryJitCpu()) / extraUnits : Double.NaN;
      if (jitKnown) {
        outsideJit.add(ms - jitMs);
      }
      sb.append(String.format(Locale.ROOT, "| %s | %d | %d → %d | %.1f → %.1f | %+.1f%% | %+.1f%% | %+.1f%% | %.1f | %s |%n",
          p[0].table(), p[0].run(), p[0].unitCount(), p[1].unitCount(), p[0].ferry().seconds(), p[1].ferry().seconds(),
          100 * f, 100 * c, 100 * q, ms, jitKnown ? String.format(Locale.ROOT, "%.1f", jitMs) : "n/a"));
    }
    Spread f = Spread.of(ferry);
    sb.append("\nFerry's throughput split finer: ").append(f.percent()).append(f.surelyNegative()
        ? ": a drop beyond the runs' noise" : f.n() > 1 ? ": no drop beyond the runs' noise" : "").append('\n');
    sb.append("Ferry's copy phase: ").append(Spread.of(copy).percent()).append('\n');
    sb.append("The pipes' throughput: ").append(Spread.of(pipe).percent()).append('\n');
    sb.append("Ferry's processes' CPU per extra unit: ").append(Spread.of(cpuPerUnit).withRange("%.1f")).append(" ms\n");
    if (!outsideJit.isEmpty()) {
      sb.append("The same outside the JIT compilers: ").append(Spread.of(outsideJit).withRange("%.1f")).append(" ms\n");
    }
    return sb.toString();
  }
}
