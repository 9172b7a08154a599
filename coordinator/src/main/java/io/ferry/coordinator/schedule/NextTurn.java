package io.ferry.coordinator.schedule;

/**
 * Runs work that was split to keep the coordinator's event loop answering in a later turn of that loop.
 * In the coordinator it is a 1 ms timer, not {@code runOnContext}: the event loop runs queued tasks (and the
 * tasks they queue) for up to a second before it reads its sockets again, but takes due timers only once per
 * round, after reading them, so a status request is answered between two turns of the work.
 */
@FunctionalInterface
public interface NextTurn {

  /** Runs the work at once, on the calling thread (tests, and code that has no event loop to keep free). */
  NextTurn NOW = Runnable::run;

  void later(Runnable work);
}
