package io.ferry.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
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

  @Test
  void aKubernetesServiceReplacesTheTcpIpJoinWithTheKubernetesDiscovery() {
    Config config = ClusterNode.hazelcastConfig(new ClusterOptions("127.0.0.1", 5701, List.of("127.0.0.1:5701"), true, "s",
        "ferry-cluster.ferry.svc.cluster.local"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo("ferry-cluster.ferry.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
    assertThat(new ClusterOptions("h", 0, List.of(), true, null, "ferry-cluster:5801").kubernetesServicePort()).isEqualTo(5801);
    assertThatThrownBy(() -> new ClusterOptions("h", 0, List.of(), true, null, "ferry-cluster:x"))
        .hasMessageContaining("DNS-NAME:PORT");
    // A worker joining through it, for real: DashboardMetricsTest.
  }
}
