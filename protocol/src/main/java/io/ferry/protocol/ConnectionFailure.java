package io.ferry.protocol;

import io.ferry.protocol.spec.JdbcUrl;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Why a database connection could not be opened, in a sentence a user can act on. Drivers wrap the
 * network's answer in their own words ("The connection attempt failed.", an SSL message for a peer that
 * closed the connection); the cause says what happened: the name did not resolve, nothing listened, the
 * address did not answer, the login was refused. Engine-neutral: it reads Java's network exceptions and
 * standard SQLSTATEs. Never includes a password (it never sees one).
 */
public final class ConnectionFailure {

  private ConnectionFailure() {
  }

  /**
   * @param where  who connects, for the timeout hint ("this worker", "the coordinator")
   * @return the reason, or null when the error is not a connection failure Ferry can explain better than
   *         the database's own message (a missing database, a role that does not exist…)
   */
  public static String reason(Throwable error, String url, String user, String where) {
    String address = address(url);
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnknownHostException) {
        return "host " + host(address, t.getMessage()) + " cannot be resolved (no such name in DNS, as seen from " + where + ")";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to " + address + " from " + where + " (the address is unreachable: a wrong address, or a network in between is down)"
            + loopbackHint(url, where);
      }
      if (t instanceof ConnectException) {
        return "nothing accepts connections at " + address
            + " (connection refused: no server listens there, or a firewall rejects the connection)" + loopbackHint(url, where);
      }
      if (t instanceof SocketTimeoutException) {
        return address + " did not answer in time (the address is unreachable from " + where
            + ", or a firewall drops the connection)" + loopbackHint(url, where);
      }
    }
    String state = error instanceof SQLException sql ? sql.getSQLState() : null;
    if ("08P01".equals(state) || "08006".equals(state)) {
      // The TCP connection opened, then the peer closed it or spoke another protocol (PgJDBC reports the SSL
      // request it sends first): a port that is not the database's, or a proxy or firewall in between.
      return address + " accepted the connection but did not answer as a database server (is it the database's"
          + " port? a proxy or firewall in between may have closed it)";
    }
    if ("28P01".equals(state)) {
      return "the server refused the password of user " + user + " (password authentication failed)";
    }
    return null;
  }

  /**
   * A loopback address reaches the machine of whoever connects: with the processes on several machines,
   * not the database's (a spec written on the coordinator's machine, tried by a worker elsewhere).
   */
  private static String loopbackHint(String url, String where) {
    boolean loopback = JdbcUrl.parse(url).map(JdbcUrl::loopback).orElse(false);
    return loopback ? "; a loopback address reaches the machine " + where + " runs on: with the cluster on several"
        + " machines, give the database's network address" : "";
  }

  /** {@code host:port} of a JDBC URL (the engine's default port when none is written); the URL itself otherwise. */
  public static String address(String url) {
    return JdbcUrl.parse(url).map(JdbcUrl::address).filter(a -> !a.isEmpty() && !a.startsWith(":"))
        .orElse(String.valueOf(url));
  }

  private static String host(String address, String fromException) {
    if (fromException != null && !fromException.isBlank()) {
      return fromException.split(":")[0].strip();
    }
    int colon = address.lastIndexOf(':');
    return colon > 0 ? address.substring(0, colon) : address;
  }
}
