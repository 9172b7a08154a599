package io.ferry.coordinator.job;

import java.security.SecureRandom;
import java.util.Locale;

/** Job ids: the job's name plus six random base32 characters, lowercased, e.g. {@code nightly-k3x9qa}. */
public final class JobIds {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private JobIds() {
  }

  public static String next(String name) {
    StringBuilder sb = new StringBuilder(name.toLowerCase(Locale.ROOT)).append('-');
    for (int i = 0; i < 6; i++) {
      sb.append(BASE32[RANDOM.nextInt(BASE32.length)]);
    }
    return sb.toString();
  }
}
