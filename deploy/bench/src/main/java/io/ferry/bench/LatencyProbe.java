package io.ferry.bench;

import io.ferry.deploy.cli.ApiClient;
import java.util.ArrayList;
import java.util.List;

/**
 * One API request every {@value #INTERVAL_MILLIS} ms on a thread of its own, until a deadline or until
 * closed: how long a request waited for the coordinator's event loop during one moment of a job (the
 * submission, the first second after it), which the job's regular status polls, 250 ms apart, sample
 * only a few times.
 */
final class LatencyProbe implements AutoCloseable {

  static final long INTERVAL_MILLIS = 20;

  private final List<Long> nanos = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  /** Starts requesting {@code path} now; {@code untilNanos} ({@link System#nanoTime()}) is when the last one may start. */
  LatencyProbe(ApiClient api, String path, long untilNanos) {
    thread = Thread.ofPlatform().daemon().name("latency-probe").start(() -> {
      while (!stopped && System.nanoTime() < untilNanos) {
        long t0 = System.nanoTime();
        try {
          api.get(path);
        } catch (Exception e) {
          return; // a failed request measures nothing; the job's own polls report failures
        }
        synchronized (nanos) {
          nanos.add(System.nanoTime() - t0);
        }
        try {
          Thread.sleep(INTERVAL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** The requests' latencies so far, sorted, in nanoseconds. */
  long[] sorted() {
    synchronized (nanos) {
      return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }
  }

  /** Stops after the request in flight, and waits for it. */
  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join();
  }
}
