package io.ferry.bench;

import java.util.List;
import java.util.Locale;

/** The capacity benchmark's table: one row per measured job. */
final class CapacityReport {

  static final String HEADER = "| units | workers | claims/s | claim p50 ms | claim p99 ms | coordinator CPU µs/unit | job s"
      + " | submit s | status p50 / max ms | list max ms | status after ms | idle CPU ms/s"
      + " | status 1st s p99 / max ms (n) | list during submit max ms (n) |"
      + "\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

  private CapacityReport() {
  }

  static String row(CapacityRun.Result r) {
    CapacityRun.FirstSecond first = r.firstSecond();
    return String.format(Locale.ROOT, "| %,d | %d | %,.0f | %.1f | %.1f | %.0f | %.1f | %.1f | %.1f / %.1f | %.1f | %.1f | %.0f"
            + " | %.1f / %.1f (%d) | %.1f (%d) |%s",
        r.units(), r.workers(), r.claims().unitsPerSecond(), r.claims().p50Millis(), r.claims().p99Millis(),
        r.cpuMicrosPerUnit(), r.jobSeconds(), r.submitSeconds(), r.statusP50Millis(), r.statusMaxMillis(),
        r.listMaxMillis(), r.statusAfterMillis(), r.idleCpuMillisPerSecond(), first.statusP99Millis(),
        first.statusMaxMillis(), first.statusRequests(), first.listMaxMillis(), first.listRequests(), r.state().equals("succeeded") && r.claims().lost() == 0 && r.claims().failed() == 0 ? ""
            : " " + r.state() + ", " + r.claims().lost() + " leases lost, " + r.claims().failed() + " requests failed");
  }

  static String of(String setting, List<CapacityRun.Result> results) {
    StringBuilder md = new StringBuilder("# Coordinator capacity\n\n").append(setting).append("\n\n").append(HEADER).append('\n');
    results.forEach(r -> md.append(row(r)).append('\n'));
    return md.toString();
  }
}
