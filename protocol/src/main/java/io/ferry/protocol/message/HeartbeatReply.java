package io.ferry.protocol.message;

import java.util.List;

/** {@code lostUnits}: units the worker named that it no longer holds a lease on: it must stop them. */
public record HeartbeatReply(List<String> lostUnits) {
}
