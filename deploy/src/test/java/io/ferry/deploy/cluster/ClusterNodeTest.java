package io.ferry.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterNodeTest {

  static Config config(String host, String secret) {
    return ClusterNode.hazelcastConfig(new ClusterOptions(host, 5701, List.of("127.0.0.1:5701"), false, secret));
  }

  @Test
  void theClusterNameIsDerivedFromTheSecretAndNeverIsIt() {
    String name = config("127.0.0.1", "s3cret-value").getClusterName();
    assertThat(name).startsWith("ferry-").hasSize("ferry-".length() + 64).doesNotContain("s3cret-value");
    assertThat(config("127.0.0.1", "s3cret-value").getClusterName()).isEqualTo(name);
    assertThat(config("127.0.0.1", "another").getClusterName()).isNotEqualTo(name);
    assertThat(config("127.0.0.1", null).getClusterName()).isNotEqualTo(name).startsWith("ferry-");
    assertThat(new ClusterOptions("h", 1, List.of(), true, "s3cret-value").toString()).doesNotContain("s3cret-value");
  }

  @Test
  void bindsOnlyTheClusterHostResolvedToAnAddress() {
    Config config = config("localhost", null);
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).singleElement()
        .satisfies(address -> assertThat(InetAddress.getByName(address).isLoopbackAddress()).isTrue())
        .satisfies(address -> assertThat(address).isNotEqualTo("localhost"));
  }
}
