package io.ferry.deploy.manifests;

import static io.ferry.deploy.manifests.Manifests.K8S;
import static io.ferry.deploy.manifests.Manifests.KEDA;
import static io.ferry.deploy.manifests.Manifests.defaultOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.cli.CoordinatorCommand;
import io.ferry.deploy.cli.WorkerCommand;
import io.ferry.deploy.cluster.ClusterOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s: every object parsed and its references checked against the code (the subcommands and the
 * variables they read from the picocli model, default ports, probe routes, stop times) and against the
 * other objects (Services to pods' named ports, the ConfigMap, the Secret's keys, the KEDA target).
 */
class KubernetesFilesTest {

  private final List<JsonNode> objects = Manifests.documents(K8S);

  private JsonNode object(String kind, String name) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + K8S));
  }

  private JsonNode pod(String deployment) {
    return object("Deployment", "ferry-" + deployment).path("spec").path("template");
  }

  private JsonNode container(String role) {
    JsonNode containers = pod(role).path("spec").path("containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  /** The container's environment: its ConfigMap's keys and its own variables (value, or the source of it). */
  private Map<String, String> environment(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      if (from.has("configMapRef")) {
        object("ConfigMap", from.path("configMapRef").path("name").asText()).path("data").fields()
            .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      }
    }
    for (JsonNode variable : container.path("env")) {
      env.put(variable.path("name").asText(), variable.has("value") ? variable.path("value").asText() : variable.path("valueFrom").toString());
    }
    return env;
  }

  private int namedPort(JsonNode container, String name) {
    for (JsonNode port : container.path("ports")) {
      if (port.path("name").asText().equals(name)) {
        return port.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no port named " + name + " in " + container.path("name").asText());
  }

  @Test
  void bothRolesRunTheImageWithASubcommandAndOnlyVariablesItReads() {
    for (String role : List.of("coordinator", "worker")) {
      JsonNode container = container(role);
      assertThat(container.path("image").asText()).isEqualTo(Manifests.IMAGE);
      assertThat(container.path("args").get(0).asText()).isEqualTo(role);
      assertThat(Manifests.unknownFerryNames(role, environment(container).keySet())).as(role).isEmpty();
      assertThat(environment(container).get("FERRY_CLUSTER_HOST")).contains("status.podIP");
    }
    // The image and tag the Jib build writes into deploy/target/jib-image.tar.
    Matcher to = Pattern.compile("<to>\\s*<image>([^:<]+):[^<]*</image>\\s*<tags>(.*?)</tags>", Pattern.DOTALL)
        .matcher(Manifests.text(Manifests.DEPLOY.resolve("pom.xml")));
    assertThat(to.find()).as("deploy/pom.xml's Jib <to>").isTrue();
    assertThat(to.group(1) + ":latest").isEqualTo(Manifests.IMAGE);
    assertThat(to.group(2)).contains("<tag>latest</tag>");
  }

  @Test
  void probesUseTheRoutesAndPortsEachRoleServes() throws Exception {
    JsonNode coordinator = container("coordinator");
    JsonNode worker = container("worker");
    Map<String, String> coordinatorEnv = environment(coordinator);
    Map<String, String> workerEnv = environment(worker);
    assertThat(coordinatorEnv.get("FERRY_HTTP_PORT")).isEqualTo(defaultOf("coordinator", "--http-port"));
    assertThat(namedPort(coordinator, "http")).isEqualTo(Integer.parseInt(coordinatorEnv.get("FERRY_HTTP_PORT")));
    assertThat(coordinatorEnv.get("FERRY_HTTP_HOST")).isEqualTo("0.0.0.0");
    assertThat(namedPort(worker, "health")).isEqualTo(Integer.parseInt(workerEnv.get("FERRY_HEALTH_PORT")));
    List<String> coordinatorRoutes = Routes.coordinator();
    Set<String> workerRoutes = Routes.worker().keySet();
    for (var role : Map.of("coordinator", "http", "worker", "health").entrySet()) {
      JsonNode container = container(role.getKey());
      assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
      assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
      assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        assertThat(container.path(probe).path("httpGet").path("port").asText()).as(role + " " + probe).isEqualTo(role.getValue());
        String path = container.path(probe).path("httpGet").path("path").asText();
        assertThat(role.getKey().equals("coordinator") ? coordinatorRoutes.contains(path) : workerRoutes.contains(path))
            .as(role.getKey() + " serves " + path).isTrue();
      }
    }
    JsonNode annotations = pod("worker").path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(workerEnv.get("FERRY_HEALTH_PORT"));
    assertThat(pod("coordinator").path("metadata").path("annotations").path("prometheus.io/port").asText())
        .isEqualTo(coordinatorEnv.get("FERRY_HTTP_PORT"));
  }

  @Test
  void podsJoinThroughTheHeadlessServiceOnTheClusterPort() {
    JsonNode headless = object("Service", "ferry-cluster").path("spec");
    assertThat(headless.path("clusterIP").asText()).isEqualTo("None");
    assertThat(headless.path("publishNotReadyAddresses").asBoolean()).as("a worker is ready only once it joined").isTrue();
    assertThat(headless.path("selector").path("app").asText()).isEqualTo("ferry");
    int servicePort = headless.path("ports").get(0).path("port").asInt();
    for (String role : List.of("coordinator", "worker")) {
      Map<String, String> env = environment(container(role));
      assertThat(pod(role).path("metadata").path("labels").path("app").asText()).isEqualTo("ferry");
      ClusterOptions options = new ClusterOptions("10.0.0.1", Integer.parseInt(env.get("FERRY_CLUSTER_PORT")), List.of(), false, null,
          env.get("FERRY_KUBERNETES_SERVICE"));
      assertThat(options.kubernetesServiceName()).isEqualTo("ferry-cluster");
      assertThat(options.kubernetesServicePort()).isEqualTo(servicePort).isEqualTo(options.port())
          .isEqualTo(namedPort(container(role), headless.path("ports").get(0).path("targetPort").asText()));
    }
    assertThat(defaultOf("coordinator", "--cluster-port")).isEqualTo(String.valueOf(servicePort));
    JsonNode api = object("Service", "ferry-coordinator").path("spec");
    assertThat(api.path("selector").path("role").asText()).isEqualTo("coordinator");
    assertThat(namedPort(container("coordinator"), api.path("ports").get(0).path("targetPort").asText()))
        .isEqualTo(Integer.parseInt(defaultOf("coordinator", "--http-port")));
  }

  @Test
  void theTokenAndTheClusterSecretAreRequiredKeysOfTheSecretTheCommentCreates() {
    Set<String> created = new HashSet<>();
    Matcher literal = Pattern.compile("--from-literal=([a-z-]+)=").matcher(Manifests.text(K8S).split("\n---")[0].split("ferry-db-passwords")[0]);
    while (literal.find()) {
      created.add(literal.group(1));
    }
    assertThat(created).containsExactlyInAnyOrder("api-token", "cluster-secret");
    Map<String, String> referenced = new HashMap<>();
    for (String role : List.of("coordinator", "worker")) {
      for (JsonNode variable : container(role).path("env")) {
        JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
        if (!ref.isMissingNode()) {
          assertThat(ref.path("name").asText()).isEqualTo("ferry-secrets");
          assertThat(ref.path("optional").asBoolean(true)).as(variable.path("name").asText() + " required").isFalse();
          assertThat(created).contains(ref.path("key").asText());
          referenced.put(role + " " + variable.path("name").asText(), ref.path("key").asText());
        }
      }
      for (JsonNode from : container(role).path("envFrom")) {
        assertThat(from.path("secretRef").path("optional").asBoolean(false)).isFalse();
        assertThat(from.path("configMapRef").path("optional").asBoolean(false)).isFalse();
      }
    }
    assertThat(referenced).containsEntry("coordinator FERRY_API_TOKEN", "api-token")
        .containsEntry("coordinator FERRY_CLUSTER_SECRET", "cluster-secret")
        .containsEntry("worker FERRY_CLUSTER_SECRET", "cluster-secret");
  }

  @Test
  void podsRunAsNonRootOnAReadOnlyRootWithAWritableTmpAndGraceToDrain() {
    for (String role : List.of("coordinator", "worker")) {
      JsonNode spec = pod(role).path("spec");
      JsonNode container = container(role);
      assertThat(spec.path("securityContext").path("runAsNonRoot").asBoolean()).as(role).isTrue();
      assertThat(spec.path("securityContext").path("runAsUser").asInt()).as(role).isGreaterThan(0);
      assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).as(role).isTrue();
      assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).as(role).isFalse();
      List<String> emptyDirs = new ArrayList<>();
      spec.path("volumes").forEach(v -> {
        if (v.has("emptyDir")) {
          emptyDirs.add(v.path("name").asText());
        }
      });
      assertThat(container.path("volumeMounts").findValuesAsText("mountPath")).contains("/tmp");
      container.path("volumeMounts").forEach(m -> {
        if (m.path("mountPath").asText().equals("/tmp")) {
          assertThat(emptyDirs).contains(m.path("name").asText());
        }
      });
    }
    assertThat(pod("coordinator").path("spec").path("terminationGracePeriodSeconds").asInt()).isGreaterThan(CoordinatorCommand.STOP_SECONDS);
    assertThat(pod("worker").path("spec").path("terminationGracePeriodSeconds").asInt()).isGreaterThan(WorkerCommand.STOP_SECONDS);
    // The coordinator's state survives a restart, on a volume its user can write.
    Map<String, String> env = environment(container("coordinator"));
    assertThat(container("coordinator").path("volumeMounts").findValuesAsText("mountPath")).contains(env.get("FERRY_STATE_DIR"));
    assertThat(pod("coordinator").path("spec").path("securityContext").path("fsGroup").asInt())
        .isEqualTo(pod("coordinator").path("spec").path("securityContext").path("runAsUser").asInt());
    JsonNode coordinator = object("Deployment", "ferry-coordinator").path("spec");
    assertThat(coordinator.path("replicas").asInt()).isEqualTo(1);
    assertThat(coordinator.path("strategy").path("type").asText()).isEqualTo("Recreate");
  }

  @Test
  void kedaScalesTheWorkerDeploymentOneWorkerPerItsUnitsAtOnce() {
    JsonNode spec = Manifests.yaml(KEDA).path("spec");
    assertThat(spec.path("scaleTargetRef").path("name").asText()).isEqualTo(object("Deployment", "ferry-worker").path("metadata").path("name").asText());
    assertThat(spec.path("minReplicaCount").asInt()).as("a submission needs a worker to survey its source").isGreaterThanOrEqualTo(1);
    JsonNode trigger = spec.path("triggers").get(0);
    assertThat(trigger.path("type").asText()).isEqualTo("prometheus");
    assertThat(trigger.path("metadata").path("threshold").asText()).isEqualTo(environment(container("worker")).get("FERRY_MAX_UNITS"));
    // Its query's metric names are checked against a real scrape by DashboardMetricsTest.
    assertThat(trigger.path("metadata").path("query").asText()).contains("ferry_units");
  }
}
