package io.ferry.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import io.vertx.core.eventbus.EventBusOptions;
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
  void advertisesThePublicHostWhileBindingTheClusterHost() {
    ClusterOptions options = new ClusterOptions("127.0.0.1", "10.231.7.3", 5701, 5801, List.of("10.231.7.2:5701"), true, null);
    Config config = ClusterNode.hazelcastConfig(options);
    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("10.231.7.3:5701");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    EventBusOptions eventBus = ClusterNode.eventBusOptions(options);
    assertThat(eventBus.getHost()).isEqualTo("127.0.0.1");
    assertThat(eventBus.getPort()).isEqualTo(5801);
    assertThat(eventBus.getClusterPublicHost()).isEqualTo("10.231.7.3");
  }

  @Test
  void withoutAPublicHostTheClusterHostIsAdvertisedAndTheEventBusPortIsFree() {
    ClusterOptions options = new ClusterOptions("127.0.0.1", 5701, List.of("127.0.0.1:5701"), false, null);
    assertThat(options.publicHost()).isEqualTo("127.0.0.1");
    assertThat(ClusterNode.hazelcastConfig(options).getNetworkConfig().getPublicAddress()).isEqualTo("127.0.0.1:5701");
    assertThat(ClusterNode.eventBusOptions(options).getPort()).isZero();
    assertThat(ClusterNode.eventBusOptions(options).getClusterPublicHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void aWildcardBindsEveryInterfaceAndAdvertisesThePublicHost() {
    ClusterOptions options = new ClusterOptions("0.0.0.0", "10.231.7.4", 5701, 0, List.of("10.231.7.2:5701"), true, null);
    Config config = ClusterNode.hazelcastConfig(options);
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("true");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("10.231.7.4:5701");
    assertThat(ClusterNode.eventBusOptions(options).getHost()).isEqualTo("0.0.0.0");
    assertThat(ClusterNode.eventBusOptions(options).getClusterPublicHost()).isEqualTo("10.231.7.4");
  }

  @Test
  void aWildcardIsNeverAdvertised() {
    assertThatThrownBy(() -> new ClusterOptions("0.0.0.0", null, 5701, 0, List.of(), true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cluster-host 0.0.0.0 binds every interface: say with --cluster-public-host which address the other"
            + " members reach this one at");
    assertThatThrownBy(() -> new ClusterOptions("10.0.0.5", "::", 5701, 0, List.of(), true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cluster-public-host :: is no address the other members can reach: give this member's own");
    assertThatThrownBy(() -> new ClusterOptions("10.0.0.5", null, 5701, 70000, List.of(), true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--event-bus-port must be between 0 (a free one) and 65535, not 70000");
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
