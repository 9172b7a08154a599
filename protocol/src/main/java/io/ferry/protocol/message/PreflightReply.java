package io.ferry.protocol.message;

import io.ferry.protocol.plan.TablePlan;
import java.util.List;

/** Either problems (unreachable database, bad credentials, no table matched…) or a plan per tenant table. */
public record PreflightReply(List<TablePlan> plans, List<String> problems) {
}
