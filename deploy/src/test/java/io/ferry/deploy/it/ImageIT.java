package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.deploy.Ferry;
import io.ferry.deploy.HealthProbe;
import io.ferry.deploy.cli.CoordinatorCommand;
import io.ferry.protocol.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The container image the build writes ({@code deploy/target/jib-image.tar}, Jib, no Docker daemon): its
 * configuration says what docs/operations.md and the orchestrators' manifests rely on (user, entrypoint,
 * the code's default ports, labels), and its layers, unpacked into a root filesystem and entered the way a
 * container runtime would ({@link RootfsContainer}), run the {@code ferry} CLI and a coordinator that
 * answers {@code /health} and {@code /ready} (also to the image's health check command), a worker that joins
 * it, both stopping with 0 on SIGTERM as PID 1. Runs as root, as CI does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {

  static final List<String> ENTRYPOINT =
      List.of("/opt/java/bin/java", "@/opt/ferry/jvm.args", "-cp", "@/app/jib-classpath-file", Ferry.class.getName());

  /** The health check command docs/operations.md gives for Docker and Compose, without its probe path. */
  static final List<String> HEALTH_CHECK =
      List.of("/opt/java/bin/java", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", "/app/classes", HealthProbe.class.getName());

  static final String TOKEN = "image-it";

  final HttpClient http = HttpClient.newHttpClient();
  Path logs;
  Path root;
  JsonNode config;
  RootfsContainer container;
  final List<Process> started = new ArrayList<>();

  @BeforeAll
  void unpack() throws Exception {
    assertThat(RootfsContainer.runsAsRoot())
        .as("ImageIT runs the image in a root filesystem of its own (unshare --root, mounts), which needs root;"
            + " run the build as root (CI does), or build without the image: -Dferry.image.skip")
        .isTrue();
    Path work = Path.of("target", "image-it").toAbsolutePath();
    logs = Files.createDirectories(Path.of("target", "it-logs", "ImageIT"));
    Path tarball = Path.of(System.getProperty("ferry.image"));
    assertThat(tarball).as("the image, built in the package phase unless -Dferry.image.skip").exists();
    ImageTarball image = ImageTarball.unpack(tarball, work.resolve("tarball"));
    assertThat(image.repoTags()).containsExactlyInAnyOrder("ferry:" + System.getProperty("ferry.version"), "ferry:latest");
    config = image.config();
    root = work.resolve("rootfs");
    image.extractLayers(root);
    container = new RootfsContainer(root, config);
  }

  @AfterAll
  void stop() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void configRunsTheCliAsANonRootUserOnTheCodesPorts() throws Exception {
    assertThat(config.get("User").asText()).isEqualTo("10001:10001");
    assertThat(strings(config.get("Entrypoint"))).isEqualTo(ENTRYPOINT);
    assertThat(strings(config.get("Cmd"))).containsExactly("--help");
    assertThat(config.get("WorkingDir").asText()).isEqualTo("/var/lib/ferry");
    assertThat(strings(config.get("Env"))).contains("FERRY_STATE_DIR=/var/lib/ferry", "FERRY_HTTP_HOST=0.0.0.0");
    CommandLine.Model.CommandSpec coordinator = new CommandLine(new CoordinatorCommand()).getCommandSpec();
    Set<String> ports = new TreeSet<>();
    config.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    assertThat(ports).containsExactlyInAnyOrder(
        coordinator.findOption("--http-port").defaultValue() + "/tcp", coordinator.findOption("--cluster-port").defaultValue() + "/tcp");
    JsonNode labels = config.get("Labels");
    assertThat(labels.get("org.opencontainers.image.title").asText()).isEqualTo("ferry");
    assertThat(labels.get("org.opencontainers.image.version").asText()).isEqualTo(System.getProperty("ferry.version"));
    assertThat(labels.get("org.opencontainers.image.description").asText()).isNotBlank();
  }

  @Test
  void rootFilesystemHasTheUserAndDirectoriesItWrites() throws Exception {
    assertThat(Files.readAllLines(root.resolve("etc/passwd"))).contains("ferry:x:10001:10001:Ferry:/var/lib/ferry:/sbin/nologin");
    assertThat(Files.readAllLines(root.resolve("etc/group"))).contains("ferry:x:10001:");
    for (String dir : List.of("tmp", "var/lib/ferry")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(dir)))).as(dir).isEqualTo("rwxrwxrwx");
    }
    assertThat(Files.isExecutable(root.resolve("opt/java/bin/java"))).isTrue();
  }

  @Test
  void entrypointRunsTheCli() throws Exception {
    String version = new CommandLine(new Ferry()).getCommandSpec().version()[0];
    assertThat(run("version", List.of("--version"))).isEqualTo(version);
    // The image's default command: the usage, every role among the commands.
    assertThat(run("help", List.of())).contains("Usage: ferry", "coordinator", "worker");
  }

  @Test
  void coordinatorAndWorkerFormAClusterAndStopOnSigterm() throws Exception {
    int httpPort = freePort();
    int clusterPort = freePort();
    Path coordinatorLog = logs.resolve("coordinator.log");
    // The image's API listens on every interface, so the coordinator refuses to start without a token.
    Process coordinator = start(coordinatorLog, List.of("coordinator", "--http-port", String.valueOf(httpPort),
        "--cluster-port", String.valueOf(clusterPort), "--join", "127.0.0.1:" + clusterPort), List.of("FERRY_API_TOKEN=" + TOKEN));
    for (String probe : List.of("/health", "/ready")) {
      JsonNode body = Poll.until(probe + " answering 200 (log: " + coordinatorLog + ")", Duration.ofSeconds(90),
          () -> get(coordinator, coordinatorLog, "http://127.0.0.1:" + httpPort + probe));
      assertThat(body.get("status").asText()).isIn("up", "ready");
    }
    assertThat(probe("ready", "/ready", httpPort)).as("the health check command on a ready coordinator").isZero();
    assertThat(probe("down", "/health", freePort())).as("the health check command where nothing listens").isEqualTo(1);
    // The JVM's performance data directory is named after, and owned by, the user it runs as.
    assertThat(Files.getAttribute(root.resolve("tmp/hsperfdata_ferry"), "unix:uid")).isEqualTo(10001);

    // The same image as a worker: it joins the coordinator's cluster and registers.
    Path workerLog = logs.resolve("worker.log");
    int healthPort = freePort();
    Process worker = start(workerLog, List.of("worker", "--join", "127.0.0.1:" + clusterPort, "--max-units", "3"),
        List.of("FERRY_HEALTH_PORT=" + healthPort));
    JsonNode registered = Poll.until("the worker registered (log: " + workerLog + ")", Duration.ofSeconds(90), () -> {
      assertThat(worker.isAlive()).as("worker running; log: " + Files.readString(workerLog)).isTrue();
      JsonNode workers = get(coordinator, coordinatorLog, "http://127.0.0.1:" + httpPort + "/api/v1/workers");
      return workers != null && workers.get("workers").size() == 1 ? workers.get("workers").get(0) : null;
    });
    assertThat(registered.get("maxUnits").asInt()).isEqualTo(3);
    // The health check command in a worker's container asks the worker's health port.
    List<String> workerEnv = List.of("FERRY_HEALTH_PORT=" + healthPort, "FERRY_CLUSTER_HOST=127.0.0.1");
    Poll.untilTrue("the worker's health check passing", Duration.ofSeconds(60),
        () -> check("worker-ready", "/ready", workerEnv, "http://127.0.0.1:" + healthPort + "/ready") == 0);

    // SIGTERM to each container's PID 1, as `docker stop` and Kubernetes send it: both stop with 0.
    for (Process process : List.of(worker, coordinator)) {
      process.toHandle().children().findFirst().orElseThrow().destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      assertThat(process.exitValue()).as(Files.readString(process == worker ? workerLog : coordinatorLog)).isZero();
    }
  }

  /** The JSON of a 200 answer, null for another status; fails at once if the coordinator's process ended. */
  private JsonNode get(Process coordinator, Path log, String url) throws Exception {
    assertThat(coordinator.isAlive()).as("coordinator running; log: " + Files.readString(log)).isTrue();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? Json.mapper().readTree(response.body()) : null;
  }

  /** The output of the entrypoint with {@code args}, which must end with 0. */
  private String run(String name, List<String> args) throws Exception {
    Path log = logs.resolve(name + ".log");
    Process process = start(log, args, List.of());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(name + " ended").isTrue();
    String output = Files.readString(log).strip();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  /** Exit status of the health check command for {@code path}, FERRY_HTTP_PORT set as in a container that sets the port. */
  private int probe(String name, String path, int port) throws Exception {
    return check(name, path, List.of("FERRY_HTTP_PORT=" + port), "http://127.0.0.1:" + port + path);
  }

  /** Exit status of the health check command for {@code path} in a container with {@code env}, which must ask {@code url}. */
  private int check(String name, String path, List<String> env, String url) throws Exception {
    Path log = logs.resolve("probe-" + name + ".log");
    List<String> command = new ArrayList<>(HEALTH_CHECK);
    command.add(path);
    Process process = container.exec(command, env, log);
    started.add(process);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("health check ended").isTrue();
    assertThat(Files.readString(log)).contains(url);
    return process.exitValue();
  }

  private Process start(Path log, List<String> args, List<String> env) throws Exception {
    Process process = container.start(args, env, log);
    started.add(process);
    return process;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
