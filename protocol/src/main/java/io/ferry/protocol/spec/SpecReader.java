package io.ferry.protocol.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a job spec from JSON or YAML, strictly: every unknown field is reported (all of them, not just
 * the first), with its path, so a typo never silently becomes a default.
 */
public final class SpecReader {

  // Decimals are read exactly, so 1.5 is reported as 1.5 and never rounded into a whole-number field.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();

  /** Known fields of each object in the spec, by path; used to list every unknown field at once. */
  private static final Map<String, List<String>> FIELDS = Map.of(
      "", List.of("name", "source", "target", "tables", "mode", "unit", "limits", "onRowError", "verify"),
      "limits", List.of("rowsPerSecond", "bytesPerSecond", "maxUnits", "maxUnitsPerSource"),
      "source", List.of("engine", "tenants"),
      "source.tenants[]", List.of("id", "url", "user", "password"),
      "target", List.of("engine", "url", "user", "password", "schema", "tenantColumn", "keys", "uuidColumn", "identifiers",
          "columnTypes", "collations"),
      "tables", List.of("include", "exclude"),
      "unit", List.of("rows", "bytes"));

  private SpecReader() {
  }

  /** The outcome: a spec, or the problems that stopped it from being read. */
  public record Result(JobSpec spec, List<String> problems) {
  }

  public static Result read(String body, boolean yaml) {
    ObjectMapper mapper = yaml ? YAML : JSON;
    JsonNode tree;
    try {
      tree = mapper.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      return new Result(null, List.of((yaml ? "YAML" : "JSON") + " syntax error at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage()));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return new Result(null, List.of("the request body is empty: send a job spec as JSON or YAML"));
    }
    if (!tree.isObject()) {
      return new Result(null, List.of("the job spec must be an object with fields " + FIELDS.get("")));
    }
    List<String> problems = new ArrayList<>();
    unknownFields(tree, "", problems);
    choices(tree, problems);
    WholeNumbers.check(tree, problems);
    if (!problems.isEmpty()) {
      return new Result(null, problems);
    }
    try {
      return new Result(mapper.treeToValue(tree, JobSpec.class), List.of());
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Result(null, List.of(path(e) + ": " + cause.getMessage()));
    } catch (InvalidFormatException e) {
      String type = e.getTargetType() == null ? "value" : e.getTargetType().getSimpleName();
      return new Result(null, List.of(path(e) + ": expected " + describe(type, path(e)) + ", got '" + e.getValue() + "'"));
    } catch (UnrecognizedPropertyException e) {
      return new Result(null, List.of(path(e) + ": unknown field"));
    } catch (MismatchedInputException e) {
      String type = e.getTargetType() == null ? "value" : e.getTargetType().getSimpleName();
      return new Result(null, List.of(path(e) + ": expected " + describe(type, path(e))));
    } catch (JsonProcessingException e) {
      // Jackson's own wording names Java types; the field's path is what a user can act on.
      String at = e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? path(m) : "spec";
      return new Result(null, List.of(at + ": cannot be read as a job spec field"));
    }
  }

  /**
   * The top-level fields that take one of a fixed set of words, checked before binding so that a bad
   * {@code mode} and a bad {@code onRowError} are both reported (binding stops at the first).
   */
  private static void choices(JsonNode tree, List<String> problems) {
    choice(tree, "mode", Mode::fromWire, problems);
    choice(tree, "onRowError", RowErrorPolicy::fromWire, problems);
    choice(tree, "verify", Verify::fromWire, problems);
  }

  private static void choice(JsonNode tree, String field, java.util.function.Function<String, ?> parse, List<String> problems) {
    JsonNode value = tree.get(field);
    if (value == null || value.isNull()) {
      return;
    }
    if (!value.isTextual()) {
      problems.add(field + ": expected a string");
      return;
    }
    try {
      parse.apply(value.asText());
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }

  private static String describe(String type, String path) {
    return switch (type) {
      case "List" -> "a list";
      case "Long", "long", "Integer", "int" -> "a whole number";
      case "String" -> "a string";
      default -> {
        List<String> fields = FIELDS.get(path.replaceAll("\\[\\d+]", "[]"));
        yield fields == null ? "an object" : "an object with fields " + String.join(", ", fields);
      }
    };
  }

  private static void unknownFields(JsonNode node, String path, List<String> problems) {
    List<String> known = FIELDS.get(path);
    if (known == null || !node.isObject()) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      String childPath = path.isEmpty() ? name : path + "." + name;
      if (!known.contains(name)) {
        problems.add(childPath + ": unknown field (known fields here: " + String.join(", ", known) + ")");
        continue;
      }
      JsonNode child = node.get(name);
      if (child.isArray()) {
        int i = 0;
        for (JsonNode item : child) {
          if (FIELDS.containsKey(childPath + "[]")) {
            List<String> sub = new ArrayList<>();
            unknownFields(item, childPath + "[]", sub);
            int index = i;
            sub.forEach(p -> problems.add(p.replace(childPath + "[]", childPath + "[" + index + "]")));
          }
          i++;
        }
      } else {
        unknownFields(child, childPath, problems);
      }
    }
  }

  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "spec" : sb.toString();
  }
}
