package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One source database that lands in the target under {@code id}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantSpec(String id, String url, String user, String password) {

  public TenantSpec withoutSecrets() {
    return new TenantSpec(id, url, user, Secret.redact(password));
  }
}
