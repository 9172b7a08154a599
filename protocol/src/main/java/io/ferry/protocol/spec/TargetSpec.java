package io.ferry.protocol.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the data lands. {@code schema}: every copied table lands in this schema (default: the source
 * table's own schema). {@code tenantColumn}: added to every target table and to its primary key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSpec(String engine, String url, String user, String password, String schema, String tenantColumn) {

  public TargetSpec withoutSecrets() {
    return new TargetSpec(engine, url, user, Secret.redact(password), schema, tenantColumn);
  }

  public Endpoint endpoint() {
    return new Endpoint(engine, url, user, password);
  }
}
