package io.ferry.deploy.manifests;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression (as Grafana and KEDA write them) reads, and those a scrape holds. */
final class PromQl {

  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
      "ignoring", "group_left", "group_right", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private PromQl() {
  }

  /** Identifiers that are neither functions, keywords, label names nor parts of strings, numbers or durations. */
  static Set<String> metricNames(String expression) {
    String s = expression
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")                         // string literals
        .replaceAll("\\$\\{[^}]*}|\\$\\w+", " ")                            // Grafana variables
        .replaceAll("\\{[^}]*}", " ")                                       // label matchers
        .replaceAll("\\[[^]]*]", " ")                                       // ranges and subqueries
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
        .replaceAll("(?<![a-zA-Z0-9_:])(?:\\d+(?:ms|s|m|h|d|w|y))+(?![a-zA-Z0-9_:])", " ") // durations (offset 5m)
        .replaceAll("(?<![a-zA-Z0-9_:])\\d[0-9.]*(?:[eE][+-]?\\d+)?", " "); // numbers
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String name = m.group();
      boolean function = s.substring(m.end()).stripLeading().startsWith("(");
      if (!function && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }

  /** The names of the samples of a Prometheus text exposition. */
  static Set<String> sampleNames(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0]).forEach(names::add);
    return names;
  }
}
