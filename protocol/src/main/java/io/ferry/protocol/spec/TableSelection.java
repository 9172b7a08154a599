package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Patterns {@code schema.table} where {@code *} matches any run of characters, e.g. {@code public.*}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableSelection(List<String> include, List<String> exclude) {

  public static final TableSelection ALL = new TableSelection(List.of("*.*"), List.of());

  public List<String> includeOrAll() {
    return include == null || include.isEmpty() ? ALL.include() : include;
  }

  public List<String> excludeOrNone() {
    return exclude == null ? List.of() : exclude;
  }
}
