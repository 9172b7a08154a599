package io.ferry.deploy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the used heap of processes twice a second with the JDK's {@code jstat -gc} (survivor, eden and
 * old generation in use), keeping each process' peak. Used heap between collections is what a worker
 * actually needs; the peak shows whether memory stays bounded by configuration, not by table size.
 */
final class HeapSampler implements AutoCloseable {

  private final Map<Long, Long> peakBytes = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  HeapSampler(List<Process> processes) {
    String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
    thread = new Thread(() -> {
      while (running) {
        for (Process p : processes) {
          if (p.isAlive()) {
            long used = usedHeap(jstat, p.pid());
            peakBytes.merge(p.pid(), used, Math::max);
          }
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** The largest peak among the sampled processes, in bytes. */
  long maxPeak() {
    return peakBytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private static long usedHeap(String jstat, long pid) {
    try {
      Process p = new ProcessBuilder(jstat, "-gc", Long.toString(pid)).redirectErrorStream(true).start();
      String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\n");
      p.waitFor();
      if (lines.length < 2) {
        return 0;
      }
      List<String> names = List.of(lines[0].trim().split("\\s+"));
      String[] values = lines[1].trim().split("\\s+");
      double kb = 0;
      for (String column : List.of("S0U", "S1U", "EU", "OU")) {
        int i = names.indexOf(column);
        if (i >= 0 && i < values.length) {
          kb += Double.parseDouble(values[i]);
        }
      }
      return (long) (kb * 1024);
    } catch (IOException | NumberFormatException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
