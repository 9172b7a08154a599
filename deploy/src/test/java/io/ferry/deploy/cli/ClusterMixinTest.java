package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMixinTest {

  private static ClusterMixin mixin(String host, String kubernetesService) {
    ClusterMixin mixin = new ClusterMixin();
    mixin.host = host;
    mixin.join = List.of("10.0.0.5:5701");
    mixin.kubernetesService = kubernetesService;
    return mixin;
  }

  @Test
  void anAddressIsTakenAsGivenAndAutoIsWhereTheHostNameResolvesUnlessLoopback() throws Exception {
    assertThat(mixin("10.1.2.3", null).options(5701, true).host()).isEqualTo("10.1.2.3");
    InetAddress local = InetAddress.getLocalHost();
    if (local.isLoopbackAddress()) {
      // Debian's default /etc/hosts maps the host name to 127.0.1.1: no address other machines reach.
      assertThatThrownBy(() -> mixin("auto", null).options(5701, true)).hasMessageContaining("--cluster-host auto")
          .hasMessageContaining("loopback");
    } else {
      assertThat(mixin("auto", null).options(5701, true).host()).isEqualTo(local.getHostAddress());
    }
  }

  @Test
  void aKubernetesServiceReplacesTheJoinListAndABlankOneIsNone() {
    assertThat(mixin("10.1.2.3", "ferry-cluster:5701").options(5701, true).joinTargets())
        .containsExactly("Kubernetes Service ferry-cluster:5701");
    assertThat(mixin("10.1.2.3", " ").options(5701, true).kubernetesService()).isNull();
    assertThat(mixin("10.1.2.3", null).options(5701, true).joinTargets()).containsExactly("10.0.0.5:5701");
  }
}
