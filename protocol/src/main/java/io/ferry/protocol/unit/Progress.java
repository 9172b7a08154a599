package io.ferry.protocol.unit;

/**
 * What a unit has done so far, as its worker last reported, and why its last attempt failed.
 *
 * @param rows     rows written (for a rollback unit: rows deleted)
 * @param rejected rows the target rejected, recorded in {@code ferry.rejects}
 * @param error    the failure of the unit's last attempt (null when it has not failed)
 */
public record Progress(long rows, long bytes, long rejected, String error) {

  public static final Progress NONE = new Progress(0, 0, 0, null);
}
