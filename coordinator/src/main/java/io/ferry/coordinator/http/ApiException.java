package io.ferry.coordinator.http;

import java.util.List;

/** An API error with its status: becomes {@code {"error": …, "details": […]}}. No stack trace is ever sent. */
public final class ApiException extends RuntimeException {

  private final int status;
  private final List<String> details;

  public ApiException(int status, String error, List<String> details) {
    super(error, null, false, false);
    this.status = status;
    this.details = List.copyOf(details);
  }

  public int status() {
    return status;
  }

  public String error() {
    return getMessage();
  }

  public List<String> details() {
    return details;
  }
}
