package io.ferry.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the used heap of processes twice a second with the JDK's {@code jstat -gc <pid> 500} (survivor,
 * eden and old generation in use), keeping each process' peak. Used heap between collections is what a
 * worker actually needs; the peak shows whether memory stays bounded by configuration, not by table size.
 *
 * <p>One long-running {@code jstat} per process, not one per sample: starting a JVM twice a second per
 * worker cost about a third of this 2-core machine's CPU while Ferry ran (and nothing while the pipes
 * ran), which skewed the comparison against Ferry.
 */
final class HeapSampler implements AutoCloseable {

  private final Map<Long, Long> peakBytes = new ConcurrentHashMap<>();
  private final List<Process> samplers = new ArrayList<>();

  HeapSampler(List<Process> processes) {
    String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
    for (Process target : processes) {
      try {
        Process sampler = new ProcessBuilder(jstat, "-gc", Long.toString(target.pid()), "500").redirectErrorStream(true).start();
        samplers.add(sampler);
        Thread reader = new Thread(() -> read(sampler, target.pid()), "heap-sampler-" + target.pid());
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start jstat for process " + target.pid(), e);
      }
    }
  }

  /** The largest peak among the sampled processes, in bytes. */
  long maxPeak() {
    return peakBytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private void read(Process sampler, long pid) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(sampler.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> names = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] fields = line.trim().split("\\s+");
        if (names == null || fields[0].equals("S0C")) {
          names = List.of(fields);
          continue;
        }
        long used = usedHeap(names, fields);
        peakBytes.merge(pid, used, Math::max);
      }
    } catch (IOException e) {
      // the sampler was stopped
    }
  }

  private static long usedHeap(List<String> names, String[] values) {
    double kb = 0;
    for (String column : List.of("S0U", "S1U", "EU", "OU")) {
      int i = names.indexOf(column);
      if (i >= 0 && i < values.length) {
        try {
          kb += Double.parseDouble(values[i]);
        } catch (NumberFormatException ignored) {
          // "-" for a space that does not exist in this collector
        }
      }
    }
    return (long) (kb * 1024);
  }

  @Override
  public void close() {
    samplers.forEach(Process::destroy);
    // Reaped now, so their CPU is not counted in the next measurement's ended children (ClientCpu).
    for (Process sampler : samplers) {
      try {
        sampler.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
