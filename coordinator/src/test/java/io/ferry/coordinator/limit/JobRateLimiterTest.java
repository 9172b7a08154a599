package io.ferry.coordinator.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.message.PermitReply;
import io.ferry.protocol.spec.Limits;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobRateLimiterTest {

  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final JobRateLimiter limiter = new JobRateLimiter(now::get);

  @Test
  void unlimitedJobsNeverWaitAndReserveInLargeBatches() {
    PermitReply reply = limiter.reserve("j", 1_000_000, 1L << 30);
    assertThat(reply).isEqualTo(PermitReply.UNLIMITED);
  }

  /** Three workers reserving as fast as they are allowed, simulated: the rows granted per second equal the limit. */
  @Test
  void holdsTheRateWhateverTheNumberOfWriters() {
    limiter.configure("j", new Limits(10_000L, null, null, null));
    long[] readyAt = new long[3];
    long granted = 0;
    long end = now.get() + 30_000_000_000L;
    while (true) {
      int w = 0;
      for (int i = 1; i < 3; i++) {
        if (readyAt[i] < readyAt[w]) {
          w = i;
        }
      }
      now.set(Math.max(now.get(), readyAt[w]));
      if (now.get() >= end) {
        break;
      }
      PermitReply reply = limiter.reserve("j", 1000, 0);
      assertThat(reply.nextRows()).isEqualTo(1000);
      // The writer writes its rows once the wait is over: they count in the second they are written.
      long writeAt = now.get() + reply.waitMillis() * 1_000_000L;
      if (writeAt < end) {
        granted += 1000;
      }
      readyAt[w] = writeAt;
    }
    assertThat(granted).isBetween(290_000L, 310_000L);
  }

  @Test
  void aNewLimitAppliesToTheNextReservation() {
    limiter.configure("j", new Limits(1000L, null, null, null));
    // The bucket starts empty (no burst at the start): one second of rate costs one second of wait.
    assertThat(limiter.reserve("j", 1000, 0).waitMillis()).isBetween(990L, 1010L);
    PermitReply slow = limiter.reserve("j", 1000, 0);
    assertThat(slow.waitMillis()).isBetween(1990L, 2010L);
    limiter.configure("j", new Limits(100_000L, null, null, null));
    now.addAndGet(1_000_000_000L);
    assertThat(limiter.reserve("j", 1000, 0).waitMillis()).isZero();
    assertThat(limiter.reserve("j", 1000, 0).nextRows()).isEqualTo(10_000);
    limiter.configure("j", Limits.NONE);
    assertThat(limiter.reserve("j", 1_000_000, 0)).isEqualTo(PermitReply.UNLIMITED);
  }

  @Test
  void theSlowerOfRowsAndBytesDecides() {
    limiter.configure("j", new Limits(1_000_000L, 1000L, null, null));
    PermitReply reply = limiter.reserve("j", 10, 1000);
    assertThat(reply.waitMillis()).as("1000 bytes at 1000 B/s, while 10 rows would pass at once").isBetween(990L, 1010L);
    assertThat(reply.nextBytes()).isEqualTo(100);
    assertThat(reply.nextRows()).isEqualTo(100_000);
    assertThat(limiter.waitedSeconds("j")).isBetween(0.99, 1.01);
  }
}
