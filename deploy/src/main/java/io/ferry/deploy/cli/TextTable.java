package io.ferry.deploy.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text in columns as wide as their widest value, numbers aligned right: the lists the CLI prints
 * (workers, units, a dry run's tables), whose values' widths are known only once the answer is in.
 */
final class TextTable {

  private final List<String> headers = new ArrayList<>();
  private final List<Boolean> right = new ArrayList<>();
  private final List<String[]> rows = new ArrayList<>();

  TextTable left(String header) {
    headers.add(header);
    right.add(false);
    return this;
  }

  TextTable right(String header) {
    headers.add(header);
    right.add(true);
    return this;
  }

  void row(Object... values) {
    if (values.length != headers.size()) {
      throw new IllegalArgumentException(values.length + " values for " + headers.size() + " columns");
    }
    String[] row = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      row[i] = values[i] == null ? "-" : values[i].toString();
    }
    rows.add(row);
  }

  String render(String indent) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, indent, headers.toArray(String[]::new), widths);
    rows.forEach(row -> line(out, indent, row, widths));
    return out.toString();
  }

  private void line(StringBuilder out, String indent, String[] values, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int i = 0; i < values.length; i++) {
      String pad = " ".repeat(widths[i] - values[i].length());
      line.append(i == 0 ? "" : "  ").append(right.get(i) ? pad + values[i] : values[i] + pad);
    }
    out.append(line.toString().stripTrailing()).append(System.lineSeparator());
  }
}
