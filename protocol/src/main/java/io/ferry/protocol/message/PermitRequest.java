package io.ferry.protocol.message;

/** A copy unit is about to write {@code rows} rows / {@code bytes} bytes of job {@code jobId}. */
public record PermitRequest(String jobId, String workerId, long rows, long bytes) {
}
