package io.ferry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.JdbcUrl;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcUrlTest {

  @Test
  void readsPostgresHostsPortsAndDatabase() {
    JdbcUrl url = JdbcUrl.parse("jdbc:postgresql://DB.example:6432/app?ssl=true").orElseThrow();
    assertThat(url.engine()).isEqualTo("postgresql");
    assertThat(url.hosts()).containsExactly("DB.example:6432");
    assertThat(url.database()).isEqualTo("app");
    assertThat(url.server()).isEqualTo("db.example:6432");
  }

  @Test
  void fillsTheEnginesDefaultPortAndKeepsIpv6Brackets() {
    assertThat(JdbcUrl.parse("jdbc:postgresql://h/app").orElseThrow().address()).isEqualTo("h:5432");
    assertThat(JdbcUrl.parse("jdbc:postgresql://[::1]/app").orElseThrow().address()).isEqualTo("[::1]:5432");
    assertThat(JdbcUrl.parse("jdbc:postgresql://[::1]:7/app").orElseThrow().address()).isEqualTo("[::1]:7");
    assertThat(JdbcUrl.parse("jdbc:postgresql://a:1,b/app").orElseThrow().hosts()).isEqualTo(List.of("a:1", "b:5432"));
  }

  @Test
  void localhostAndAnEmptyHostAreOneServer() {
    assertThat(JdbcUrl.parse("jdbc:postgresql://localhost/x").orElseThrow().server()).isEqualTo("127.0.0.1:5432");
    assertThat(JdbcUrl.parse("jdbc:postgresql:///x").orElseThrow().server()).isEqualTo("127.0.0.1:5432");
    assertThat(JdbcUrl.parse("jdbc:postgresql:x").orElseThrow().server()).isEqualTo("127.0.0.1:5432");
    assertThat(JdbcUrl.parse("jdbc:postgresql:x").orElseThrow().database()).isEqualTo("x");
  }

  @Test
  void urlsOfTheSameDatabaseHaveOneLocationWhateverTheirSpelling() {
    assertThat(location("jdbc:postgresql://LocalHost/db?ssl=false")).isEqualTo("127.0.0.1:5432/db");
    assertThat(location("jdbc:postgresql://127.0.0.1:5432/db")).isEqualTo("127.0.0.1:5432/db");
    assertThat(location("jdbc:postgresql://[::1]:5432/db")).isEqualTo("127.0.0.1:5432/db");
    assertThat(location("jdbc:postgresql:db")).isEqualTo("127.0.0.1:5432/db");
    assertThat(location("jdbc:postgresql://db.example:6432/my%20db")).isEqualTo("db.example:6432/my db");
  }

  private static String location(String url) {
    return JdbcUrl.parse(url).orElseThrow().location();
  }

  @Test
  void readsSqlServerPropertiesAndInstance() {
    JdbcUrl url = JdbcUrl.parse("jdbc:sqlserver://sql1\\inst;encrypt=true;databaseName=Sales").orElseThrow();
    assertThat(url.engine()).isEqualTo("sqlserver");
    assertThat(url.hosts()).containsExactly("sql1\\inst:1433");
    assertThat(url.database()).isEqualTo("Sales");
  }

  /** mssql-jdbc takes a braced value as written, so a database name may hold {@code ; = { }}. */
  @Test
  void readsBracedSqlServerValuesAsTheDriverDoes() {
    String odd = "jdbc:sqlserver://h;encrypt=false;databaseName={d @:/?;={}}x};trustServerCertificate=true";
    assertThat(JdbcUrl.parse(odd).orElseThrow().database()).isEqualTo("d @:/?;={}x");
    assertThat(location(odd)).isEqualTo("h:1433/d @:/?;={}x");
    assertThat(location("jdbc:sqlserver://h;databaseName={d;a}")).isNotEqualTo(location("jdbc:sqlserver://h;databaseName={d;b}"));
    assertThat(location("jdbc:sqlserver://h;databaseName={plain}")).isEqualTo(location("jdbc:sqlserver://h;databaseName=plain"));
    assertThat(JdbcUrl.parse("jdbc:sqlserver://h;;integratedSecurity=true;database = x ;").orElseThrow().database())
        .isEqualTo("x");
  }

  @Test
  void refusesWhatIsNotAJdbcUrl() {
    assertThat(JdbcUrl.parse(null)).isEmpty();
    assertThat(JdbcUrl.parse("postgresql://h/x")).isEmpty();
    assertThat(JdbcUrl.parse("jdbc:")).isEmpty();
  }

  @Test
  void tellsALoopbackServerFromANetworkOne() {
    for (String url : List.of("jdbc:postgresql://127.0.0.1:5432/a", "jdbc:postgresql://LOCALHOST/a", "jdbc:postgresql:a",
        "jdbc:postgresql://[::1]:5432/a", "jdbc:postgresql://127.0.1.1,localhost/a", "jdbc:sqlserver://localhost\\inst;databaseName=a",
        "jdbc:sqlserver://127.0.0.1:1433;databaseName=a")) {
      assertThat(JdbcUrl.parse(url).orElseThrow().loopback()).as(url).isTrue();
    }
    for (String url : List.of("jdbc:postgresql://10.231.1.1:5432/a", "jdbc:postgresql://db.example/a",
        "jdbc:postgresql://localhost:5432,db.example:5432/a", "jdbc:sqlserver://sql1\\inst;databaseName=a")) {
      assertThat(JdbcUrl.parse(url).orElseThrow().loopback()).as(url).isFalse();
    }
  }
}
