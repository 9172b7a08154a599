package io.ferry.coordinator.store;

import io.ferry.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The store's contract on a PostgreSQL target. */
class PostgresTargetStoreTest extends TargetStoreContract {

  private final TestPostgres pg = new TestPostgres();

  @Test
  @Override
  protected void coordinatorsUpsertingTheSameNewUnitsAtOnceNeitherFailNorDuplicate() throws Exception {
    super.coordinatorsUpsertingTheSameNewUnitsAtOnceNeitherFailNorDuplicate();
  }

  @Override
  protected Target newTarget(String name) throws SQLException {
    return new Target("postgresql", pg.url(pg.createDatabase(name)), pg.user(), pg.password());
  }

  @Override
  protected Connection connect(Target target) throws SQLException {
    return pg.connect(target.url().substring(target.url().lastIndexOf('/') + 1));
  }

  @Override
  protected void dropDatabases() throws SQLException {
    pg.close();
  }

  @Override
  protected void dropFerrySchema(Target target) throws SQLException {
    try (Connection c = connect(target)) {
      c.createStatement().execute("DROP SCHEMA ferry CASCADE");
    }
  }

  /** timestamptz: the instant, at UTC. */
  @Override
  protected Object rejectedAt(String utc) {
    return java.time.OffsetDateTime.of(java.time.LocalDateTime.parse(utc.replace(' ', 'T')), java.time.ZoneOffset.UTC);
  }
}
