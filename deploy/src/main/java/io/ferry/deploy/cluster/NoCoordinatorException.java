package io.ferry.deploy.cluster;

import java.util.List;

/** A worker found no coordinator at its join addresses. */
public final class NoCoordinatorException extends RuntimeException {

  public NoCoordinatorException(List<String> join) {
    super("no coordinator answers at " + String.join(", ", join));
  }
}
