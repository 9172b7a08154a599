package io.ferry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.ApiClient;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark job's key ranges, read back from the API so that a baseline works over exactly Ferry's ranges.
 * A range is {@code {lower, upper}} of the {@code id} key, with {@link Long#MIN_VALUE} / {@link Long#MAX_VALUE}
 * for open ends.
 */
final class UnitRanges {

  private UnitRanges() {
  }

  /**
   * The ranges of the job's units of one kind ({@code copy}, {@code verify}) over a table: the job's own checks
   * ({@code verify:*}) read no range of a table.
   */
  static List<long[]> of(ApiClient api, String jobId, String kind) throws Exception {
    List<long[]> ranges = new ArrayList<>();
    for (JsonNode unit : api.get("/api/v1/jobs/" + jobId + "/units?kind=" + kind).body().path("units")) {
      if (!unit.hasNonNull("table")) {
        continue;
      }
      JsonNode range = unit.path("range");
      ranges.add(new long[] {
          range.path("lower").isArray() ? range.path("lower").get(0).asLong() : Long.MIN_VALUE,
          range.path("upper").isArray() ? range.path("upper").get(0).asLong() : Long.MAX_VALUE});
    }
    return ranges;
  }

  /** {@code " WHERE id >= … AND id < …"}, or nothing for the whole table. */
  static String where(long[] range) {
    List<String> terms = new ArrayList<>();
    if (range[0] != Long.MIN_VALUE) {
      terms.add("id >= " + range[0]);
    }
    if (range[1] != Long.MAX_VALUE) {
      terms.add("id < " + range[1]);
    }
    return terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms);
  }
}
