package io.ferry.coordinator.submit;

import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.spec.TenantSpec;
import java.util.ArrayList;
import java.util.List;

/** A submission that was refused: why, and every problem. No stack trace: it is an answer, not a fault. */
public final class SubmissionRefused extends RuntimeException {

  /** Why a submission was refused; http/ answers each with its own status. */
  public enum Reason {
    /** The spec cannot be read or breaks a rule. */
    INVALID_SPEC,
    /** A worker's preflight, or the checks across its plans, found problems in the databases. */
    PREFLIGHT_PROBLEMS,
    /** No worker is connected to run the preflight. */
    NO_WORKER,
    /** No worker answered the preflight in time. */
    PREFLIGHT_TIMED_OUT,
    /** The preflight failed on the worker. */
    PREFLIGHT_BROKE,
    /** The job would write what an unfinished job writes. */
    OVERLAP,
    /** The coordinator cannot connect to the target, where it records the job. */
    TARGET_UNREACHABLE,
    /** The coordinator reached the target but could not record the job there. */
    NOT_RECORDED
  }

  private final Reason reason;
  private final List<String> details;

  public SubmissionRefused(Reason reason, List<String> details) {
    super(reason + ": " + String.join("; ", details), null, false, false);
    this.reason = reason;
    this.details = List.copyOf(details);
  }

  /** Refused with details that may quote the spec's databases: its literal passwords are replaced first. */
  static SubmissionRefused scrubbed(Reason reason, List<String> details, JobSpec spec) {
    return new SubmissionRefused(reason, scrub(details, spec));
  }

  public Reason reason() {
    return reason;
  }

  public List<String> details() {
    return details;
  }

  /**
   * Replaces any literal password of the spec in messages from elsewhere (a worker's preflight problems,
   * a driver's error): nothing a user submitted as a secret is ever echoed back.
   */
  static List<String> scrub(List<String> details, JobSpec spec) {
    if (spec == null) {
      return details;
    }
    List<String> secrets = new ArrayList<>();
    if (spec.target() != null) {
      addSecret(secrets, spec.target().password());
    }
    if (spec.source() != null && spec.source().tenants() != null) {
      for (TenantSpec t : spec.source().tenants()) {
        if (t != null) {
          addSecret(secrets, t.password());
        }
      }
    }
    if (secrets.isEmpty()) {
      return details;
    }
    List<String> clean = new ArrayList<>();
    for (String d : details) {
      String s = d;
      for (String secret : secrets) {
        s = s.replace(secret, Secret.REDACTED);
      }
      clean.add(s);
    }
    return clean;
  }

  private static void addSecret(List<String> secrets, String password) {
    // Very short literals would redact ordinary words; they are also not worth protecting by string search.
    if (password != null && password.length() >= 3 && !Secret.isReference(password)) {
      secrets.add(password);
    }
  }
}
