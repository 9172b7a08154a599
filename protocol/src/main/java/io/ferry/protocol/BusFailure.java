package io.ferry.protocol;

/**
 * Why the coordinator failed a worker's request on the event bus: the failure code of its reply
 * ({@link #code()}), with the reason in the message. A worker treats every kind alike: it logs the
 * message and asks again, or lets its lease lapse.
 */
public enum BusFailure {
  /** The body is not the message the address expects. */
  UNREADABLE,
  /** The request was accepted but what it changed could not be recorded in the target; asking again may succeed. */
  NOT_RECORDED,
  /** An unexpected error in the coordinator's handler. */
  INTERNAL;

  /** The reply's failure code: never zero, which Vert.x leaves to replies without one. */
  public int code() {
    return ordinal() + 1;
  }

  /** The kind of a reply's failure code; null for a code that is none of these. */
  public static BusFailure of(int code) {
    return code >= 1 && code <= values().length ? values()[code - 1] : null;
  }
}
