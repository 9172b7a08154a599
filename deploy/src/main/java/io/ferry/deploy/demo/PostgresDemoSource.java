package io.ferry.deploy.demo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The district databases on the demo's PostgreSQL server. */
final class PostgresDemoSource implements DemoSource {

  /** The name under which the cluster's processes find the PostgreSQL password. */
  static final String PASSWORD_ENV = "FERRY_PG_PASSWORD";

  private final PostgresServer pg;
  private final String prefix;

  PostgresDemoSource(PostgresServer pg, String prefix) {
    this.pg = pg;
    this.prefix = prefix;
  }

  @Override
  public String describe() {
    return "PostgreSQL " + pg.describe();
  }

  @Override
  public long create(int districts, double scale) throws SQLException {
    return DemoData.create(pg, prefix, districts, scale);
  }

  @Override
  public Map<String, Object> spec(int districts) {
    List<Map<String, Object>> tenants = new ArrayList<>();
    for (int d = 1; d <= districts; d++) {
      tenants.add(connection(pg, "id", "district_" + d, DemoData.database(prefix, d)));
    }
    return Map.of("engine", "postgresql", "tenants", tenants);
  }

  @Override
  public String include() {
    return "public.*";
  }

  @Override
  public Map<String, String> environment() {
    return environment(pg);
  }

  /** What the cluster's processes need to connect to this server (the target's too): its password, if any. */
  static Map<String, String> environment(PostgresServer pg) {
    return pg.password().isEmpty() ? Map.of() : Map.of(PASSWORD_ENV, pg.password());
  }

  /** A connection of the spec on the demo's PostgreSQL server. */
  static Map<String, Object> connection(PostgresServer pg, String firstKey, String firstValue, String database) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put(firstKey, firstValue);
    c.put("url", pg.url(database));
    c.put("user", pg.user());
    if (!pg.password().isEmpty()) {
      // By reference: the cluster's processes read the password from their environment.
      c.put("password", "${env:" + PASSWORD_ENV + "}");
    }
    return c;
  }
}
