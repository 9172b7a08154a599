package io.ferry.deploy.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relays TCP connections from one address of this machine to a server, byte for byte: how processes in
 * network namespaces reach a database that listens on loopback only, without the database listening
 * anywhere else. Only the given client addresses are served (the namespaces'), every other connection is
 * closed at once, so the relay opens the database to no one else.
 */
final class TcpForwarder implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<InetAddress> clients;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  TcpForwarder(String listenAddress, InetSocketAddress target, Set<InetAddress> clients) {
    this.target = target;
    this.clients = Set.copyOf(clients);
    try {
      server = new ServerSocket(0, 50, InetAddress.getByName(listenAddress));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listenAddress, e);
    }
    Thread.ofVirtual().name("forwarder-accept").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      if (!clients.contains(client.getInetAddress())) {
        closeQuietly(client);
        continue;
      }
      Thread.ofVirtual().start(() -> relay(client));
    }
  }

  private void relay(Socket client) {
    open.add(client);
    Socket upstream = new Socket();
    open.add(upstream);
    try {
      upstream.connect(target, 5_000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
    pump(client, upstream);
    try {
      back.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(client);
    closeQuietly(upstream);
  }

  /** Copies one direction until it ends, then ends that direction on the other side too (or both, on an error). */
  private void pump(Socket from, Socket to) {
    // Not closed when done: a socket's stream closes the socket, and the other direction may still run.
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(this::closeQuietly);
  }
}
