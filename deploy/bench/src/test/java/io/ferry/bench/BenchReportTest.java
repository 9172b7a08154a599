package io.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  @Test
  void spreadHasMedianRangeAndStudentInterval() {
    Spread s = Spread.of(List.of(0.10, -0.05, 0.02, -0.01, 0.04));
    assertThat(s.median()).isEqualTo(0.02);
    assertThat(s.min()).isEqualTo(-0.05);
    assertThat(s.max()).isEqualTo(0.10);
    assertThat(s.mean()).isCloseTo(0.02, within(1e-12));
    // The five values' sample standard deviation is 0.0561249, t(4) is 2.776: half width t * sd / sqrt(5).
    assertThat(s.halfWidth()).isCloseTo(2.776 * 0.0561249 / Math.sqrt(5), within(1e-6));
    assertThat(s.surelyNegative()).isFalse();
    assertThat(s.percent()).isEqualTo("median +2.0% (-5.0% to +10.0%), mean +2.0% ± 7.0% (95%, 5 runs)");
  }

  @Test
  void anIntervalWhollyBelowZeroIsADrop() {
    assertThat(Spread.of(List.of(-0.15, -0.12, -0.14, -0.13)).surelyNegative()).isTrue();
    assertThat(Spread.of(List.of(-0.15)).surelyNegative()).as("one run proves nothing").isFalse();
    assertThat(Spread.of(List.of(1.0, 3.0)).median()).isEqualTo(2.0);
  }

  @Test
  void pairsEachRunsTwoSizesAndReportsTheChangeInThroughput() {
    List<BenchReport.Row> rows = List.of(
        row("narrow", 1, 40, 20.0, 25.0, 6.0), row("narrow", 1, 400, 25.0, 40.0, 9.6),
        row("narrow", 2, 400, 18.0, 40.0, 8.0), row("narrow", 2, 40, 20.0, 25.0, 6.2),
        row("wide", 1, 40, 10.0, 10.0), row("wide", 2, 40, 11.0, 10.0));
    String report = BenchReport.of("setting", rows);

    // Run 1: 20 s → 25 s is 20% less throughput; run 2 (the finer size ran first): 20 s → 18 s is 11.1% more.
    assertThat(report).contains("| narrow | 1 | 40 → 400 | 20.0 → 25.0 | -20.0% |");
    assertThat(report).contains("| narrow | 2 | 40 → 400 | 20.0 → 18.0 | +11.1% |");
    // CPU per extra unit: run 1 used 3.6 s more for 360 more units (10 ms each), run 2 1.8 s more (5 ms).
    // Of which the JIT compilers' (a quarter of each job's CPU here): 0.9 s in run 1 (2.5 ms), 0.45 s in run 2.
    assertThat(report).contains("| 10.0 | 2.5 |\n").contains("| 5.0 | 1.");
    assertThat(report).contains("Ferry's processes' CPU per extra unit: 7.5 (5.0–10.0) ms");
    // Outside them: 7.5 ms in run 1, 3.75 in run 2.
    assertThat(report).contains("The same outside the JIT compilers: 5.6 (3.");
    assertThat(report).doesNotContain("| wide | 1 | 40 →");
    assertThat(report).contains("Ferry's throughput split finer: median -4.4% (-20.0% to +11.1%)");
    assertThat(report).contains("no drop beyond the runs' noise");
    // Over the runs: wide's 1,000,000 rows took 10 s, then 11 s (100,000 and 90,909 rows/s); Ferry/pipe 1.00, then 0.91.
    assertThat(report).contains("| wide | 10 (40 units) | drop_recreate | warm | 2 | 10.5 (10.0–11.0) | 95,455 (90,909–100,000)"
        + " | 0.95 (0.91–1.00) |");
  }

  @Test
  void eachJobShowsItsFerryCpuAndTheJitCompilersPart() {
    String report = BenchReport.of("setting", List.of(row("narrow", 1, 40, 20.0, 25.0, 6.0)));
    // Ferry client CPU 6.0 s, of which JIT 1.5 s (the helper's quarter), pipe client CPU 1.0 s, run 1.
    assertThat(report).contains("| 6.0 | 1.5 | 1.0 | 1 | drop_recreate | warm | 12.0 | 3.0 |\n");
    // 1,000,000 rows in 20 s against the pipes' 25 s.
    assertThat(report).contains("| 50,000 | 40,000 |");
    assertThat(report).contains("| Ferry client CPU s | of which JIT s | pipe client CPU s | run | mode | cluster"
        + " | PostgreSQL CPU s, Ferry | PostgreSQL CPU s, pipe |");
  }

  @Test
  void theJitCompilersOfThisJvmHaveUsedCpu() {
    // This test's own JVM has compiled for a while by now: a thread name or field mismatch would read 0.
    assertThat(ClientCpu.compilersOf(List.of(ProcessHandle.current().pid()))).isGreaterThan(0);
  }

  @Test
  void oneRunOfEachTableHasNoSpreadSection() {
    String report = BenchReport.of("setting", List.of(row("wide", 1, 40, 10.0, 10.0)));
    assertThat(report).doesNotContain("Over the runs").doesNotContain("Split finer");
    assertThat(report.lines().filter(l -> l.startsWith("| wide |"))).hasSize(1);
  }

  @Test
  void coldAndWarmJobsOfOneTableAreSummedUpApart() {
    BenchReport.Row warm = row("narrow", 1, 40, 20.0, 25.0, 6.0);
    BenchReport.Row cold = new BenchReport.Row(warm.table(), 1, warm.unitRows(), warm.rows(), warm.bytes(), warm.ferry(),
        warm.pipe(), warm.peakHeap(), warm.unitCount(), 9.0, 3.0, 1, "drop_recreate", "cold", 14.0, 3);
    String report = BenchReport.of("setting", List.of(cold, warm));
    // Two variants of one run each: a line apiece, with its own CPU; never paired as a finer split.
    assertThat(report).contains("| narrow | 10 (40 units) | drop_recreate | cold | 1 | 20.0 | 50,000 |")
        .contains("| 9.0 | 3.0 | 14.0 | 3.0 |\n")
        .contains("| narrow | 10 (40 units) | drop_recreate | warm | 1 |")
        .contains("| 6.0 | 1.5 | 12.0 | 3.0 |\n")
        .doesNotContain("Split finer");
  }

  private static BenchReport.Row row(String table, int run, int units, double seconds, double pipeSeconds) {
    return row(table, run, units, seconds, pipeSeconds, 1);
  }

  /** A job of {@code seconds}, all of them copying, using {@code cpu} s in Ferry's processes, against pipes of {@code pipeSeconds}; 10 MB. */
  private static BenchReport.Row row(String table, int run, int units, double seconds, double pipeSeconds, double cpu) {
    FerryPhases phases = new FerryPhases(0);
    phases.seen("copy", 0);
    phases.ended((long) (seconds * 1e9));
    return new BenchReport.Row(table, run, String.valueOf(400 / units), 1_000_000, 10L << 20, phases,
        new PipeRun.Timing(pipeSeconds, 0), 100L << 20, units, cpu, cpu / 4, 1, "drop_recreate", "warm", 2 * cpu, 3);
  }

  @Test
  void aVerifyRowComparesRowsPerSecondWithCountsOverTheSameRows() {
    VerifyBench.Row r = new VerifyBench.Row("narrow", 2, 10_000_000, 41, 4, 0.5, 8.0, 4.0, "30.1 → 28.0");
    assertThat(r.verifyRate()).isEqualTo(1_250_000.0);
    assertThat(r.countRate()).isEqualTo(2_500_000.0);
    assertThat(r.ratio()).isEqualTo(0.5);
    assertThat(VerifyBench.format(r))
        .isEqualTo("| narrow | 2 | 10,000,000 | 41 | 4 | 0.5 | 8.0 | 1,250,000 | 4.0 | 2,500,000 | 0.50 | 30.1 → 28.0 |");
  }
}
