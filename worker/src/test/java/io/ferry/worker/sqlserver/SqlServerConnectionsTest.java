package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Endpoint;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SqlServerConnectionsTest {

  private static final String URL = "jdbc:sqlserver://h;encrypt=true;trustServerCertificate=false;databaseName={d;b}";

  @Test
  void userAndPasswordTravelAsPropertiesVerbatim() {
    Properties props = SqlServerConnections.properties(new Endpoint("sqlserver", URL, "u@dom", "p@:/?;={}x'y"));
    assertThat(props.getProperty("user")).isEqualTo("u@dom");
    assertThat(props.getProperty("password")).isEqualTo("p@:/?;={}x'y");
  }

  /** Ferry sets none of the security settings, so they reach the driver as the URL writes them. */
  @Test
  void securityAndIntegratedAuthenticationStayTheUrls() {
    Properties props = SqlServerConnections.properties(new Endpoint("sqlserver", URL + ";integratedSecurity=true", null, null));
    assertThat(props.stringPropertyNames()).doesNotContain("user", "password", "encrypt", "trustServerCertificate",
        "integratedSecurity", "authentication", "authenticationScheme", "databaseName", "serverName");
    assertThat(props.getProperty("responseBuffering")).isEqualTo("adaptive");
    assertThat(props.getProperty("sendStringParametersAsUnicode")).isEqualTo("false");
  }
}
