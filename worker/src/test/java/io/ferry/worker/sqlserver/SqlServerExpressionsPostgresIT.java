package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.postgres.PgSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every translation of {@link SqlServerExpressionsTest}'s tables is valid PostgreSQL: an expression over a
 * table with the mapped columns, a default on a column of the mapped type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlServerExpressionsPostgresIT {

  private final TestPostgres pg = new TestPostgres();
  private Connection conn;

  @BeforeAll
  void table() throws SQLException {
    conn = pg.open(pg.create("expr_pg"));
    List<String> columns = new ArrayList<>();
    SqlServerExpressionsTest.TYPES.forEach((name, type) ->
        columns.add(PgSql.ident(name) + " " + SqlServerTypes.targetType(type)));
    try (Statement st = conn.createStatement()) {
      st.execute("CREATE TABLE t (" + String.join(", ", columns) + ")");
    }
  }

  @AfterAll
  void drop() throws Exception {
    conn.close();
    pg.close();
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '`', textBlock = SqlServerExpressionsTest.TRANSLATED)
  void expressionsRunOnPostgres(String tsql, String postgres) {
    assertThatCode(() -> run("SELECT " + postgres + " FROM t")).doesNotThrowAnyException();
    // What the translator calls immutable PostgreSQL accepts where it demands immutable: an index expression
    // (as a generated column's).
    if (new SqlServerExpressions(SqlServerExpressionsTest.TYPES).translate(tsql, null).immutable()) {
      assertThatCode(() -> {
        run("CREATE INDEX immutable_check ON t ((" + postgres + "))");
        run("DROP INDEX immutable_check");
      }).doesNotThrowAnyException();
    }
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "~>", quoteCharacter = '`', textBlock = SqlServerExpressionsTest.DEFAULTS)
  void defaultsFitTheirColumns(String tsql, String columnType, String postgres) {
    assertThatCode(() -> {
      run("CREATE TEMP TABLE d (c " + SqlServerTypes.targetType(columnType) + " DEFAULT " + postgres + ")");
      run("INSERT INTO d DEFAULT VALUES");
      run("DROP TABLE d");
    }).doesNotThrowAnyException();
  }

  private void run(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }
}
