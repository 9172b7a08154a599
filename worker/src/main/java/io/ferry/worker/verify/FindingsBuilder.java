package io.ferry.worker.verify;

import io.ferry.protocol.message.VerifyFindings;
import io.ferry.protocol.message.VerifyFindings.Difference;
import io.ferry.protocol.message.VerifyFindings.Kind;
import java.util.ArrayList;
import java.util.List;

/** Gathers a verify unit's findings: every difference counted, the first {@link VerifyFindings#MAX_LISTED} kept. */
final class FindingsBuilder {

  private long sourceRows;
  private long targetRows;
  private int ranges;
  private int mismatchedRanges;
  private long differenceCount;
  private final List<Difference> differences = new ArrayList<>();
  private String scope;

  void totals(long source, long target) {
    sourceRows = source;
    targetRows = target;
  }

  void range(boolean matched) {
    ranges++;
    if (!matched) {
      mismatchedRanges++;
    }
  }

  void difference(Kind kind, List<String> key, List<String> columns) {
    differenceCount++;
    if (differences.size() < VerifyFindings.MAX_LISTED) {
      differences.add(new Difference(kind, key, columns));
    }
  }

  /** Differences known to exist but not listed (e.g. rows of a table without a key): counted only. */
  void unlisted(long count, String why) {
    differenceCount += count;
    if (why != null) {
      scope = scope == null ? why : scope + "; " + why;
    }
  }

  VerifyFindings build() {
    return new VerifyFindings(sourceRows, targetRows, ranges, mismatchedRanges, differenceCount, differences, scope);
  }
}
