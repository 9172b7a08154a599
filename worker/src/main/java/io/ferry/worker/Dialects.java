package io.ferry.worker;

import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.TargetDialect;
import io.ferry.worker.postgres.PostgresSource;
import io.ferry.worker.postgres.PostgresTarget;
import io.ferry.worker.postgres.PostgresVerify;
import io.ferry.worker.sqlserver.SqlServerSource;
import io.ferry.worker.sqlserver.SqlServerTarget;
import io.ferry.worker.sqlserver.SqlServerVerify;
import io.ferry.worker.verify.VerifySide;
import java.util.Locale;
import java.util.Map;

/**
 * The engines this worker speaks, by the names a job spec uses. A new engine is one more entry here
 * and one more package beside {@code postgres}; nothing else branches on the engine.
 */
public final class Dialects {

  private static final Map<String, SourceDialect> SOURCES = Map.of(
      "postgresql", new PostgresSource(),
      "sqlserver", new SqlServerSource());
  private static final Map<String, TargetDialect> TARGETS = Map.of(
      "postgresql", new PostgresTarget(),
      SqlServerTarget.ENGINE, new SqlServerTarget());

  private static final Map<String, VerifySide> VERIFY = Map.of(
      "postgresql", new PostgresVerify(),
      SqlServerTarget.ENGINE, new SqlServerVerify());

  private Dialects() {
  }

  public static SourceDialect source(String engine) {
    SourceDialect d = engine == null ? null : SOURCES.get(engine.toLowerCase(Locale.ROOT));
    if (d == null) {
      throw new IllegalArgumentException("unsupported source engine '" + engine + "' (this worker supports " + SOURCES.keySet() + ")");
    }
    return d;
  }

  public static TargetDialect target(String engine) {
    TargetDialect d = engine == null ? null : TARGETS.get(engine.toLowerCase(Locale.ROOT));
    if (d == null) {
      throw new IllegalArgumentException("unsupported target engine '" + engine + "' (this worker supports " + TARGETS.keySet() + ")");
    }
    return d;
  }

  /** How an engine takes part in a verify unit, as source or target. */
  public static VerifySide verify(String engine) {
    VerifySide d = engine == null ? null : VERIFY.get(engine.toLowerCase(Locale.ROOT));
    if (d == null) {
      throw new IllegalArgumentException("unsupported engine '" + engine + "' (this worker verifies " + VERIFY.keySet() + ")");
    }
    return d;
  }
}
