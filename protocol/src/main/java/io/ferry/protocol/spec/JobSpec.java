package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One submitted migration, as the user wrote it. Passwords stay as written: a literal, or a reference
 * ({@code ${env:NAME}}, {@code ${file:/path}}) that each process resolves for itself.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
    String name,
    SourceSpec source,
    TargetSpec target,
    TableSelection tables,
    Mode mode,
    UnitSize unit,
    Limits limits,
    RowErrorPolicy onRowError,
    Verify verify) {

  public JobSpec(String name, SourceSpec source, TargetSpec target, TableSelection tables, Mode mode, UnitSize unit) {
    this(name, source, target, tables, mode, unit, null, null, null);
  }

  public JobSpec(String name, SourceSpec source, TargetSpec target, TableSelection tables, Mode mode, UnitSize unit,
      Limits limits) {
    this(name, source, target, tables, mode, unit, limits, null, null);
  }

  public JobSpec(String name, SourceSpec source, TargetSpec target, TableSelection tables, Mode mode, UnitSize unit,
      Limits limits, RowErrorPolicy onRowError) {
    this(name, source, target, tables, mode, unit, limits, onRowError, null);
  }

  public JobSpec withoutSecrets() {
    return new JobSpec(name, source == null ? null : source.withoutSecrets(),
        target == null ? null : target.withoutSecrets(), tables, mode, unit, limits, onRowError, verify);
  }

  public JobSpec withLimits(Limits newLimits) {
    return new JobSpec(name, source, target, tables, mode, unit, newLimits, onRowError, verify);
  }

  /** A spec without {@code verify} verifies every copied range: a migration is done when it is shown right. */
  public Verify verifyOrDefault() {
    return verify == null ? Verify.FULL : verify;
  }

  /** A spec without {@code onRowError} fails on the first rejected row: nothing is set aside unless asked for. */
  public RowErrorPolicy onRowErrorOrDefault() {
    return onRowError == null ? RowErrorPolicy.FAIL : onRowError;
  }

  public Limits limitsOrNone() {
    return limits == null ? Limits.NONE : limits;
  }

  public UnitSize unitOrDefault() {
    return unit == null ? UnitSize.DEFAULT : unit.withDefaults();
  }

  public TableSelection tablesOrDefault() {
    return tables == null ? TableSelection.ALL : tables;
  }
}
