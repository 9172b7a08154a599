package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSpec(String engine, List<TenantSpec> tenants) {

  /** Where {@code tenant} is read from: its URL and credentials, with the engine all tenants share. */
  public Endpoint endpoint(TenantSpec tenant) {
    return new Endpoint(engine, tenant.url(), tenant.user(), tenant.password());
  }

  public SourceSpec withoutSecrets() {
    return new SourceSpec(engine, tenants == null ? null
        : tenants.stream().map(t -> t == null ? null : t.withoutSecrets()).toList());
  }
}
