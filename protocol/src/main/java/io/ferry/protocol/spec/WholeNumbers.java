package io.ferry.protocol.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;

/**
 * The spec's whole-number fields, checked on the tree before binding: Jackson would truncate 1.5 to 1
 * and report 1e30 in its own words ({@code Numeric value … out of range of long}). Each problem names the
 * field and shows the value as written. A whole value written as {@code 1e6}, {@code 2048.0} or
 * {@code "5000"} is accepted and replaced by the plain number.
 */
public final class WholeNumbers {

  private record Field(String parent, String name, long max) {
  }

  private static final List<Field> FIELDS = List.of(
      new Field("unit", "rows", Long.MAX_VALUE),
      new Field("unit", "bytes", Long.MAX_VALUE),
      new Field("limits", "rowsPerSecond", Long.MAX_VALUE),
      new Field("limits", "bytesPerSecond", Long.MAX_VALUE),
      new Field("limits", "maxUnits", Integer.MAX_VALUE),
      new Field("limits", "maxUnitsPerSource", Integer.MAX_VALUE));

  private WholeNumbers() {
  }

  static void check(JsonNode tree, List<String> problems) {
    for (Field field : FIELDS) {
      if (!(tree.get(field.parent()) instanceof ObjectNode parent)) {
        continue;
      }
      JsonNode value = parent.get(field.name());
      if (value == null || value.isNull()) {
        continue;
      }
      String path = field.parent() + "." + field.name();
      BigDecimal number = number(value);
      String problem = number == null ? null : problem(path, number, field.max());
      if (number == null) {
        problems.add(path + ": expected a whole number, got " + shown(value));
      } else if (problem != null) {
        // Integers and strings are shown as written; decimals as near as their exact value allows.
        problems.add(value.isIntegralNumber() || value.isTextual()
            ? problem.replace(": " + written(number) + " is", ": " + value.asText().strip() + " is") : problem);
      } else if (field.max() == Integer.MAX_VALUE) {
        parent.set(field.name(), IntNode.valueOf(number.intValueExact()));
      } else {
        parent.set(field.name(), LongNode.valueOf(number.longValueExact()));
      }
    }
  }

  /**
   * The problem with a number given for a whole-number field (also used for {@code PATCH} limits), or
   * null when it is a whole number within {@code [-max, max]}.
   */
  public static String problem(String path, Number value, long max) {
    BigDecimal number = value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
    String written = written(number);
    if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
      return path + ": " + written + " is not a whole number";
    }
    if (number.abs().compareTo(BigDecimal.valueOf(max)) > 0) {
      return path + ": " + written + " is out of range (" + (number.signum() > 0 ? "at most " : "at least -") + max + ")";
    }
    return null;
  }

  /** The value as a number: a JSON/YAML number, or a string holding one; null otherwise. */
  private static BigDecimal number(JsonNode value) {
    if (value.isNumber()) {
      return value.decimalValue();
    }
    if (value.isTextual()) {
      try {
        return new BigDecimal(value.asText().strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** As a user would write it: {@code 1e30} rather than {@code 1.0E+30}, {@code 1.5} rather than {@code 1.50}. */
  private static String written(BigDecimal number) {
    BigDecimal plain = number.stripTrailingZeros();
    return plain.scale() >= -20 ? plain.toPlainString() : plain.toString().replace("E+", "e").replace("E", "e");
  }

  private static String shown(JsonNode value) {
    if (value.isTextual()) {
      return "\"" + value.asText() + "\"";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isObject()) {
      return "an object";
    }
    return value.asText();
  }
}
