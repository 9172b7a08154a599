package io.ferry.protocol.message;

import java.util.List;

public record ClaimReply(List<Assignment> assignments) {
}
