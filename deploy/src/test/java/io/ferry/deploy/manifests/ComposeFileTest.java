package io.ferry.deploy.manifests;

import static io.ferry.deploy.manifests.Manifests.COMPOSE;
import static io.ferry.deploy.manifests.Manifests.GRAFANA;
import static io.ferry.deploy.manifests.Manifests.PROMETHEUS;
import static io.ferry.deploy.manifests.Manifests.defaultOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.HealthProbe;
import io.ferry.deploy.cli.CoordinatorCommand;
import io.ferry.deploy.cli.WorkerCommand;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.SpecReader;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker/compose.yaml, its Prometheus configuration and the Grafana provisioning, checked against
 * the code: the commands and the environment variables they read (from the picocli model), the default
 * ports, the probe routes, the stop times. Nothing here needs Docker.
 */
class ComposeFileTest {

  private final JsonNode compose = Manifests.yaml(COMPOSE);
  private final JsonNode services = compose.path("services");
  private final JsonNode coordinator = services.path("coordinator");
  private final JsonNode worker = services.path("worker");

  @Test
  void theFerryServicesRunTheImageAndASubcommandWithOnlyTheVariablesItReads() {
    for (var name : List.of("coordinator", "worker")) {
      JsonNode service = services.path(name);
      assertThat(service.path("image").asText()).as(name).isEqualTo("${FERRY_IMAGE:-" + Manifests.IMAGE + "}");
      assertThat(service.path("command").get(0).asText()).as(name).isEqualTo(name);
      assertThat(Manifests.unknownFerryNames(name, () -> service.path("environment").fieldNames())).as(name).isEmpty();
      assertThat(service.path("read_only").asBoolean()).as(name + " read_only").isTrue();
      assertThat(service.path("tmpfs").toString()).as(name).contains("/tmp");
    }
  }

  @Test
  void theCoordinatorServesItsDefaultPortsAndRequiresTheTokenAndTheSecret() throws Exception {
    JsonNode env = coordinator.path("environment");
    String httpPort = defaultOf("coordinator", "--http-port");
    String clusterPort = defaultOf("coordinator", "--cluster-port");
    assertThat(env.path("FERRY_HTTP_PORT").asText()).isEqualTo(httpPort);
    assertThat(env.path("FERRY_CLUSTER_PORT").asText()).isEqualTo(clusterPort);
    assertThat(env.path("FERRY_HTTP_HOST").asText()).isEqualTo("0.0.0.0");
    assertThat(coordinator.path("ports").get(0).asText()).endsWith(":" + httpPort + ":" + httpPort);
    // ${NAME:?message}: compose refuses to start without them.
    assertThat(env.path("FERRY_API_TOKEN").asText()).startsWith("${FERRY_API_TOKEN:?");
    assertThat(env.path("FERRY_CLUSTER_SECRET").asText()).startsWith("${FERRY_CLUSTER_SECRET:?");
    assertThat(worker.path("environment").path("FERRY_CLUSTER_SECRET").asText()).startsWith("${FERRY_CLUSTER_SECRET:?");
    assertThat(probe(coordinator)).isEqualTo(URI.create("http://127.0.0.1:" + httpPort + "/ready"));
    assertThat(Routes.coordinator()).contains("/ready", "/health", "/metrics");
    assertThat(seconds(coordinator.path("stop_grace_period").asText())).isGreaterThan(CoordinatorCommand.STOP_SECONDS);
  }

  @Test
  void workersScaleJoinTheCoordinatorAndAnswerTheirProbes() throws Exception {
    assertThat(worker.has("container_name")).isFalse();
    assertThat(worker.has("ports")).as("a host port would clash with --scale").isFalse();
    assertThat(worker.has("hostname")).isFalse();
    JsonNode env = worker.path("environment");
    assertThat(env.path("FERRY_JOIN").asText()).isEqualTo("coordinator:" + coordinator.path("environment").path("FERRY_CLUSTER_PORT").asText());
    assertThat(coordinator.path("hostname").asText()).isEqualTo("coordinator");
    assertThat(env.path("FERRY_CLUSTER_HOST").asText()).isEqualTo("auto");
    String healthPort = env.path("FERRY_HEALTH_PORT").asText();
    assertThat(probe(worker)).isEqualTo(URI.create("http://10.9.8.7:" + healthPort + "/ready"));
    assertThat(Routes.worker()).containsEntry("/ready", 503).containsEntry("/health", 200).containsKey("/metrics");
    assertThat(seconds(worker.path("stop_grace_period").asText())).isGreaterThan(WorkerCommand.STOP_SECONDS);
  }

  @Test
  void prometheusScrapesTheCoordinatorAndEveryWorkerReplicaKeepingTheJobLabel() {
    JsonNode config = Manifests.yaml(PROMETHEUS);
    assertThat(services.path("prometheus").path("volumes").get(0).asText()).startsWith("./prometheus.yml:");
    List<String> jobs = new ArrayList<>();
    for (JsonNode scrape : config.path("scrape_configs")) {
      jobs.add(scrape.path("job_name").asText());
      assertThat(scrape.path("honor_labels").asBoolean()).as("Ferry's label job must survive").isTrue();
      assertThat(scrape.path("metrics_path").asText()).isEqualTo("/metrics");
    }
    assertThat(jobs).containsExactly("ferry-coordinator", "ferry-worker");
    JsonNode coordinatorScrape = config.path("scrape_configs").get(0);
    assertThat(coordinatorScrape.path("static_configs").get(0).path("targets").get(0).asText())
        .isEqualTo("coordinator:" + coordinator.path("environment").path("FERRY_HTTP_PORT").asText());
    JsonNode dns = config.path("scrape_configs").get(1).path("dns_sd_configs").get(0);
    assertThat(dns.path("names").get(0).asText()).isEqualTo("worker");
    assertThat(dns.path("port").asText()).isEqualTo(worker.path("environment").path("FERRY_HEALTH_PORT").asText());
  }

  @Test
  void grafanaIsProvisionedWithTheDashboardAndThePrometheusItReads() throws Exception {
    List<String> mounts = new ArrayList<>();
    services.path("grafana").path("volumes").forEach(v -> mounts.add(v.asText()));
    assertThat(mounts).containsExactlyInAnyOrder("../grafana/provisioning:/etc/grafana/provisioning:ro",
        "../grafana/dashboards:/var/lib/grafana/dashboards:ro");
    JsonNode datasource = Manifests.yaml(GRAFANA.resolve("provisioning/datasources/prometheus.yaml")).path("datasources").get(0);
    assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:" + prometheusPort());
    JsonNode provider = Manifests.yaml(GRAFANA.resolve("provisioning/dashboards/ferry.yaml")).path("providers").get(0);
    assertThat(provider.path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards");
    JsonNode dashboard = Manifests.json(Manifests.DASHBOARD);
    List<String> uids = new ArrayList<>();
    dashboard.findValues("datasource").forEach(d -> uids.add(d.path("uid").asText()));
    assertThat(uids).isNotEmpty().containsOnly(datasource.path("uid").asText());
    assertThat(services.path("grafana").path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText())
        .isEqualTo("/var/lib/grafana/dashboards/" + Manifests.DASHBOARD.getFileName());
    assertThat(Files.isDirectory(COMPOSE.getParent().resolve("../grafana/provisioning"))).isTrue();
  }

  @Test
  void theExampleJobIsAValidSpecReachingTheDatabasesWithPasswordsTheProcessesHave() {
    SpecReader.Result read = SpecReader.read(Manifests.text(COMPOSE.resolveSibling("job.yaml")), true);
    assertThat(read.problems()).isEmpty();
    JobSpec spec = read.spec();
    List<String> urls = new ArrayList<>();
    spec.source().tenants().forEach(t -> urls.add(t.url()));
    urls.add(spec.target().url());
    for (String url : urls) {
      Matcher address = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/").matcher(url);
      assertThat(address.find()).as(url).isTrue();
      assertThat(services.has(address.group(1))).as(url + " names a service").isTrue();
      assertThat(services.path(address.group(1)).path("image").asText()).startsWith("postgres:");
      assertThat(address.group(2)).isEqualTo("5432");
    }
    String text = Manifests.text(COMPOSE.resolveSibling("job.yaml"));
    Matcher reference = Pattern.compile("password: \\$\\{env:(\\w+)}").matcher(text);
    List<String> names = new ArrayList<>();
    while (reference.find()) {
      names.add(reference.group(1));
      assertThat(worker.path("environment").has(reference.group(1))).as("the workers have " + reference.group(1)).isTrue();
    }
    assertThat(names).containsExactly("SOURCE_DB_PASSWORD", "TARGET_DB_PASSWORD");
    // The coordinator records the job's state in the target database.
    assertThat(coordinator.path("environment").has("TARGET_DB_PASSWORD")).isTrue();
  }

  private String prometheusPort() {
    String port = services.path("prometheus").path("ports").get(0).asText();
    return port.substring(port.lastIndexOf(':') + 1);
  }

  /**
   * Where a service's health check asks: its command is the image's {@link HealthProbe}, given the service's
   * environment (its {@code auto} cluster host standing for the container's address 10.9.8.7).
   */
  private static URI probe(JsonNode service) {
    List<String> command = new ArrayList<>();
    service.path("healthcheck").path("test").forEach(part -> command.add(part.asText()));
    assertThat(command).startsWith("CMD", "/opt/java/bin/java").contains("-cp", "/app/classes", HealthProbe.class.getName());
    assertThat(Manifests.DEPLOY.resolve("target/classes/" + HealthProbe.class.getName().replace('.', '/') + ".class")).exists();
    Map<String, String> env = new HashMap<>();
    service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    env.replaceAll((name, value) -> name.equals("FERRY_CLUSTER_HOST") && value.equals("auto") ? "10.9.8.7" : value);
    return HealthProbe.target(env, command.getLast());
  }

  private static int seconds(String composeDuration) {
    assertThat(composeDuration).matches("\\d+s");
    return Integer.parseInt(composeDuration.substring(0, composeDuration.length() - 1));
  }
}
