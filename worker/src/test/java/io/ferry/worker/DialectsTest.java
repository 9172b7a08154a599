package io.ferry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.spec.Endpoint;
import io.ferry.worker.postgres.PostgresSource;
import io.ferry.worker.sqlserver.SqlServerSource;
import io.ferry.worker.sqlserver.SqlServerTarget;
import org.junit.jupiter.api.Test;

class DialectsTest {

  @Test
  void theEndpointsEngineNamesTheSource() {
    assertThat(Dialects.source(new Endpoint("sqlserver", "jdbc:sqlserver://h", "u", null).engine()))
        .isInstanceOf(SqlServerSource.class);
    assertThat(Dialects.source(new Endpoint(null, "jdbc:postgresql://h/d", "u", null).engine()))
        .isInstanceOf(PostgresSource.class);
    assertThat(Dialects.source("SQLServer").engine()).isEqualTo("sqlserver");
    assertThat(Dialects.target("sqlserver")).isInstanceOf(SqlServerTarget.class);
    assertThatThrownBy(() -> Dialects.target("oracle")).hasMessageContaining("unsupported target engine 'oracle'");
  }
}
