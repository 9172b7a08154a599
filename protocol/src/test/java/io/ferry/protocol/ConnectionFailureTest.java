package io.ferry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ConnectionFailureTest {

  static String reason(Throwable e, String url) {
    return ConnectionFailure.reason(e, url, "bob", "this worker");
  }

  @Test
  void namesEachNetworkCauseWithHostAndPort() {
    String url = "jdbc:postgresql://db.example:6432/app";
    assertThat(reason(new SQLException("The connection attempt failed.", "08001", new UnknownHostException("db.example")), url))
        .isEqualTo("host db.example cannot be resolved (no such name in DNS, as seen from this worker)");
    assertThat(reason(new SQLException("x", "08001", new NoRouteToHostException("No route to host")), url))
        .startsWith("no route to db.example:6432 from this worker");
    assertThat(reason(new SQLException("x", "08001", new ConnectException("Connection refused")), url))
        .startsWith("nothing accepts connections at db.example:6432 (connection refused");
    assertThat(reason(new SQLException("x", "08001", new SocketTimeoutException("Connect timed out")), url))
        .startsWith("db.example:6432 did not answer in time (the address is unreachable from this worker");
  }

  @Test
  void aLoopbackAddressThatNothingAnswersIsSaidToBeTheConnectingMachines() {
    SQLException refused = new SQLException("x", "08001", new ConnectException("Connection refused"));
    assertThat(reason(refused, "jdbc:postgresql://127.0.0.1:5432/app")).isEqualTo("nothing accepts connections at"
        + " 127.0.0.1:5432 (connection refused: no server listens there, or a firewall rejects the connection); a loopback"
        + " address reaches the machine this worker runs on: with the cluster on several machines, give the database's"
        + " network address");
    assertThat(reason(new SQLException("x", "08001", new SocketTimeoutException("Connect timed out")), "jdbc:postgresql://localhost/app"))
        .contains("a loopback address reaches the machine this worker runs on");
    assertThat(reason(refused, "jdbc:postgresql://db.example/app")).doesNotContain("loopback");
  }

  @Test
  void aPeerThatClosesTheConnectionIsNotCalledAnSslProblem() {
    assertThat(reason(new SQLException("An error occurred while setting up the SSL connection.", "08P01"),
        "jdbc:postgresql://10.1.2.3/app"))
        .startsWith("10.1.2.3:5432 accepted the connection but did not answer as a database server").doesNotContain("SSL");
  }

  @Test
  void aRefusedPasswordNamesTheUserAndLeavesOtherServerAnswersAlone() {
    assertThat(reason(new SQLException("FATAL: password authentication failed for user \"bob\"", "28P01"), "jdbc:postgresql://h/app"))
        .isEqualTo("the server refused the password of user bob (password authentication failed)");
    assertThat(reason(new SQLException("FATAL: database \"x\" does not exist", "3D000"), "jdbc:postgresql://h/app")).isNull();
  }

  @Test
  void readsTheAddressOfAUrl() {
    assertThat(ConnectionFailure.address("jdbc:postgresql://h/app")).isEqualTo("h:5432");
    assertThat(ConnectionFailure.address("jdbc:postgresql://h:1/app?sslmode=require")).isEqualTo("h:1");
    assertThat(ConnectionFailure.address("jdbc:postgresql://[::1]/app")).isEqualTo("[::1]:5432");
    assertThat(ConnectionFailure.address("jdbc:postgresql://[::1]:7/app")).isEqualTo("[::1]:7");
    assertThat(ConnectionFailure.address("jdbc:postgresql://a:1,b:2/app")).isEqualTo("a:1,b:2");
  }
}
