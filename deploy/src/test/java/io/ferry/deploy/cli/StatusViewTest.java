package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import org.junit.jupiter.api.Test;

class StatusViewTest {

  @Test
  void showsProgressPerTableAndFailedUnits() throws Exception {
    JsonNode job = Json.mapper().readTree("""
        {"id":"demo-abc","name":"demo","state":"running","phase":"copy","elapsedSeconds":75,
         "rows":{"done":500000,"estimated":1000000},
         "throughput":{"rowsPerSecond":250000,"bytesPerSecond":3145728,"averageRowsPerSecond":200000},
         "etaSeconds":2,"units":{"total":10,"done":4,"leased":2,"pending":3,"blocked":0,"failed":1},
         "tables":[{"table":"public.students","rowsDone":50,"rowsEstimated":100,"state":"copy"},
                   {"table":"public.schools","rowsDone":10,"rowsEstimated":0,"state":"done"}],
         "failedUnits":[{"id":"copy:a:public.x:0001","error":"boom"}]}""");
    String view = StatusView.render(job);
    assertThat(view).contains("demo-abc", "running", "1m15s", "500,000", "250,000 rows/s", "3.0 MB/s", "ETA 2s");
    assertThat(view).contains("public.students", "[" + "#".repeat(15) + ".".repeat(15) + "]  50%");
    assertThat(view).contains("public.schools", "100%");
    assertThat(view).contains("FAILED copy:a:public.x:0001: boom");
  }

  @Test
  void showsRejectedRowsPerJobAndTableOnlyWhenThereAreAny() throws Exception {
    JsonNode job = Json.mapper().readTree("""
        {"id":"demo-abc","name":"demo","state":"succeeded","phase":"done","elapsedSeconds":5,
         "rows":{"done":995,"estimated":1000,"rejected":5},"units":{},
         "tables":[{"table":"public.items","rowsDone":995,"rowsRejected":5,"rowsEstimated":1000,"state":"done"},
                   {"table":"public.codes","rowsDone":10,"rowsRejected":0,"rowsEstimated":10,"state":"done"}]}""");
    String view = StatusView.render(job);
    assertThat(view).contains("rejected 5 rows (onRowError: reject)", "ferry.rejects", "995 rows (+5 rejected)");
    assertThat(view.lines().filter(l -> l.contains("public.codes")).findFirst().orElseThrow()).doesNotContain("rejected");
    JsonNode clean = Json.mapper().readTree("""
        {"id":"demo-abc","name":"demo","state":"succeeded","phase":"done","rows":{"done":1,"estimated":1,"rejected":0},
         "units":{},"tables":[]}""");
    assertThat(StatusView.render(clean)).doesNotContain("rejected");
  }

  @Test
  void tellsWhatToDoWithAPausedOrFailedJob() throws Exception {
    JsonNode paused = Json.mapper().readTree("""
        {"id":"demo-abc","name":"demo","state":"paused","phase":"copy","error":"the coordinator restarted: resubmit it",
         "units":{},"tables":[]}""");
    assertThat(StatusView.render(paused)).contains("state paused", "ferry resume demo-abc",
        "error: the coordinator restarted: resubmit it");
    JsonNode failed = Json.mapper().readTree("""
        {"id":"demo-abc","name":"demo","state":"failed","phase":"copy","error":null,"units":{},"tables":[]}""");
    assertThat(StatusView.render(failed)).contains("ferry units demo-abc --state failed", "ferry retry demo-abc")
        .doesNotContain("error:");
  }

  @Test
  void readsDurationsAsPeopleWriteThem() {
    assertThat(Durations.parse("--x", "500ms").toMillis()).isEqualTo(500);
    assertThat(Durations.parse("--x", "10s").toSeconds()).isEqualTo(10);
    assertThat(Durations.parse("--x", "2m").toSeconds()).isEqualTo(120);
    assertThat(Durations.parse("--x", "7").toSeconds()).isEqualTo(7);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durations.parse("--lease-timeout", "soon"))
        .hasMessageContaining("--lease-timeout").hasMessageContaining("soon");
  }
}
