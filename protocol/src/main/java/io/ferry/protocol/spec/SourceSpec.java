package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSpec(String engine, List<TenantSpec> tenants) {

  public SourceSpec withoutSecrets() {
    return new SourceSpec(engine, tenants == null ? null
        : tenants.stream().map(t -> t == null ? null : t.withoutSecrets()).toList());
  }
}
