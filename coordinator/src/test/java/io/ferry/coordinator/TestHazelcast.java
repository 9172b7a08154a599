package io.ferry.coordinator;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.UUID;

/** A standalone, single-member Hazelcast on loopback (no multicast) with the coordinator's maps. */
public final class TestHazelcast {

  private TestHazelcast() {
  }

  public static HazelcastInstance start(CoordinatorOptions options) {
    Config config = new Config();
    config.setClusterName("ferry-test-" + UUID.randomUUID());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    var network = config.getNetworkConfig();
    network.setPort(freePort()).setPortAutoIncrement(false);
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1").setConnectionTimeoutSeconds(1);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    CoordinatorCluster.configure(config, options);
    return Hazelcast.newHazelcastInstance(config);
  }

  /**
   * A lite member (as a worker is) that joins {@code cluster} under the given Vert.x node id, the
   * member attribute the coordinator names workers by. Returns once it is a member.
   */
  public static HazelcastInstance liteMember(HazelcastInstance cluster, String nodeId) {
    Config config = new Config();
    config.setClusterName(cluster.getConfig().getClusterName());
    config.setLiteMember(true);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getMemberAttributeConfig().setAttribute("__vertx.nodeId", nodeId);
    var network = config.getNetworkConfig();
    network.setPort(freePort()).setPortAutoIncrement(false);
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1)
        .addMember("127.0.0.1:" + cluster.getCluster().getLocalMember().getAddress().getPort());
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    return Hazelcast.newHazelcastInstance(config);
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
