package io.ferry.deploy.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An image tarball as {@code docker save} and Jib's {@code buildTar} write it ({@code manifest.json},
 * {@code config.json}, one gzipped tar per layer), unpacked with the system's {@code tar}.
 */
final class ImageTarball {

  private final Path unpacked;
  private final JsonNode manifest;

  private ImageTarball(Path unpacked) throws IOException {
    this.unpacked = unpacked;
    this.manifest = Json.mapper().readTree(Files.readString(unpacked.resolve("manifest.json"))).get(0);
  }

  /** Unpacks {@code tarball} into {@code dir} (emptied first). */
  static ImageTarball unpack(Path tarball, Path dir) throws Exception {
    deleteTree(dir);
    Files.createDirectories(dir);
    run(List.of("tar", "-xf", tarball.toString(), "-C", dir.toString()));
    return new ImageTarball(dir);
  }

  /** The image's names, as {@code docker load} tags it. */
  List<String> repoTags() {
    List<String> tags = new ArrayList<>();
    manifest.get("RepoTags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  /** The {@code config} object of the image configuration: User, Entrypoint, Cmd, Env, ExposedPorts, Labels... */
  JsonNode config() throws IOException {
    return Json.mapper().readTree(Files.readString(unpacked.resolve(manifest.get("Config").asText()))).get("config");
  }

  /** Extracts every layer in order into {@code root} (emptied first), owners and modes as the image has them. */
  void extractLayers(Path root) throws Exception {
    deleteTree(root);
    Files.createDirectories(root);
    for (JsonNode layer : manifest.get("Layers")) {
      // Jib writes libarchive's creation-time keyword, which GNU tar would warn about for every file.
      run(List.of("tar", "--warning=no-unknown-keyword", "--same-owner", "-xzpf",
          unpacked.resolve(layer.asText()).toString(), "-C", root.toString()));
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }
}
