package io.ferry.deploy.cluster;

import java.util.List;

/**
 * How a process joins the Ferry cluster.
 *
 * @param host  the address this member binds and advertises (loopback by default)
 * @param port  the Hazelcast member port; 0 picks a free one
 * @param join  the members to contact when joining ({@code host:port})
 * @param lite  a lite member owns no map partitions: workers are lite, so the coordinator's map stores
 *              (backed by the target database) run only in the coordinator
 */
public record ClusterOptions(String host, int port, List<String> join, boolean lite) {
}
