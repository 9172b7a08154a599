package io.ferry.protocol.message;

/** A worker with {@code slots} free execution slots asks for work. */
public record ClaimRequest(String workerId, int slots) {
}
