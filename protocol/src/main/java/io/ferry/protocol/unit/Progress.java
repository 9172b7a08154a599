package io.ferry.protocol.unit;

import io.ferry.protocol.message.VerifyFindings;
import java.util.List;

/**
 * What a unit has done so far, as its worker last reported, and why its last attempt failed.
 *
 * @param rows     rows written (for a rollback unit: rows deleted; for a verify unit: source rows compared)
 * @param rejected rows the target rejected, recorded in {@code ferry.rejects}
 * @param error    the failure of the unit's last attempt (null when it has not failed)
 * @param findings what a done verify unit found; of a repair unit, the findings it repairs (null for every other unit), its list of differences at most
 *                 {@link VerifyFindings#MAX_LISTED} long so that the unit's record stays small
 */
public record Progress(long rows, long bytes, long rejected, String error, VerifyFindings findings) {

  public static final Progress NONE = new Progress(0, 0, 0, null, null);

  public Progress {
    if (findings != null && findings.differences().size() > VerifyFindings.MAX_LISTED) {
      findings = new VerifyFindings(findings.sourceRows(), findings.targetRows(), findings.ranges(),
          findings.mismatchedRanges(), findings.differenceCount(),
          List.copyOf(findings.differences().subList(0, VerifyFindings.MAX_LISTED)), findings.scope());
    }
  }

  public Progress(long rows, long bytes, long rejected, String error) {
    this(rows, bytes, rejected, error, null);
  }
}
