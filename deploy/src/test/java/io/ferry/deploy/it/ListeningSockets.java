package io.ferry.deploy.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP addresses one process listens on, read from Linux' {@code /proc}: the namespace's listening
 * sockets ({@code net/tcp}, {@code net/tcp6}) whose inodes the process holds open in {@code fd/}.
 */
final class ListeningSockets {

  private static final String LISTEN = "0A";

  private ListeningSockets() {
  }

  /** Addresses as {@code /proc} writes them: hex address and port, {@code 0100007F:1F90}. */
  static List<String> of(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(link.substring("socket:[".length(), link.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor was closed between listing and reading it
        }
      }
    }
    List<String> listening = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals(LISTEN) && inodes.contains(f[9])) {
          listening.add(f[1]);
        }
      }
    }
    return listening;
  }

  /** 127.0.0.0/8, {@code ::1}, or 127.x mapped into IPv6; never the wildcard. */
  static boolean loopback(String procAddress) {
    String address = procAddress.substring(0, procAddress.indexOf(':'));
    if (address.length() == 8) {
      return address.endsWith("7F"); // little-endian: the first octet is the last byte
    }
    return address.equals("00000000000000000000000001000000")
        || (address.startsWith("0000000000000000FFFF0000") && address.endsWith("7F"));
  }

  /**
   * The address of a {@code /proc} entry as text: {@code 10.231.5.2} (also when mapped into IPv6),
   * {@code 0.0.0.0} or {@code ::} for a wildcard, else the IPv6 entry as {@code /proc} writes it.
   */
  static String host(String procAddress) {
    String address = procAddress.substring(0, procAddress.indexOf(':'));
    if (address.length() == 32 && address.startsWith("0000000000000000FFFF0000")) {
      address = address.substring(24);
    }
    if (address.length() == 8) {
      // little-endian: the first octet is the last byte
      return Integer.parseInt(address.substring(6, 8), 16) + "." + Integer.parseInt(address.substring(4, 6), 16) + "."
          + Integer.parseInt(address.substring(2, 4), 16) + "." + Integer.parseInt(address.substring(0, 2), 16);
    }
    return address.matches("0+") ? "::" : address;
  }
}
