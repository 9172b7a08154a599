package io.ferry.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each verb's request (method, route, body, token) and what it prints and exits with, for each kind of answer. */
class VerbsTest {

  static final String PAUSED = summary("paused");
  static final String REFUSED = """
      {"error":"invalid job state","details":["job j-1 is cancelled: only a paused job can be resumed"]}""";

  final ApiStub api = newStub();

  static ApiStub newStub() {
    try {
      return new ApiStub();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String summary(String state) {
    return """
        {"id":"j-1","name":"j","state":"%s","phase":"copy","rows":{"done":1200,"estimated":3000,"rejected":0},
         "units":{},"tables":[]}""".formatted(state).replace("\n", "");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pause", "resume", "cancel", "retry", "verify"})
  void eachControlVerbPostsToItsRouteWithTheToken(String verb) {
    ApiStub.Run run = api.answer(200, PAUSED).run(verb, "j-1", "--api-token=s3cret");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(api.only()).isEqualTo(new ApiStub.Request("POST", "/api/v1/jobs/j-1/" + verb, "Bearer s3cret", ""));
    assertThat(run.out()).contains("job j-1 is paused (phase copy; 1,200 of ~3,000 rows copied)",
        "continue with ferry resume j-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pause", "resume", "cancel"})
  void aScopedControlVerbSendsTheTenantAndTableAndPrintsThePausedAndCancelledScopes(String verb) {
    String held = """
        {"id":"j-1","name":"j","state":"running","phase":"copy","rows":{"done":1200,"estimated":3000,"rejected":0},
         "units":{},"tables":[],"scopes":[{"tenant":"a","table":null,"state":"paused"},
         {"tenant":"b","table":"public.orders","state":"cancelled"}]}""".replace("\n", "");
    ApiStub.Run run = api.answer(200, held).run(verb, "j-1", "--tenant", "a", "--table", "public.orders");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(api.only()).isEqualTo(new ApiStub.Request("POST", "/api/v1/jobs/j-1/" + verb, null,
        "{\"tenant\":\"a\",\"table\":\"public.orders\"}"));
    assertThat(run.out()).contains("job j-1 is running", "tenant a paused", "tenant b, table public.orders cancelled");

    api.answer(200, held).run(verb, "j-1", "--table", "public.orders");
    assertThat(api.requests.getLast().body()).isEqualTo("{\"table\":\"public.orders\"}");
  }

  @Test
  void aRefusalExitsOneWithEveryDetailAndJsonKeepsTheAnswer() {
    ApiStub.Run run = api.answer(409, REFUSED).run("resume", "j-1");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("HTTP 409: invalid job state", "  - job j-1 is cancelled: only a paused job can be resumed");
    assertThat(api.only().authorization()).as("no token given, none sent").isNull();

    ApiStub.Run json = api.answer(409, REFUSED).run("resume", "j-1", "--json");
    assertThat(json.exit()).isEqualTo(1);
    assertThat(json.out().strip()).isEqualTo(REFUSED);
  }

  @Test
  void anUnauthorizedAnswerSaysHowToPassTheToken() {
    ApiStub.Run run = api.answer(401, """
        {"error":"unauthorized","details":["this coordinator requires Authorization: Bearer <token> on /api/*"]}""")
        .run("workers");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("HTTP 401: unauthorized", "--api-token TOKEN or FERRY_API_TOKEN");
  }

  @Test
  void aJobIdIsOnePathSegment() {
    api.answer(200, PAUSED).run("pause", "../workers");
    assertThat(api.only().path()).isEqualTo("/api/v1/jobs/..%2Fworkers/pause");
  }

  @Test
  void noCoordinatorIsOneLineAndExitOne() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = io.ferry.deploy.Ferry.commandLine();
    cli.setErr(new java.io.PrintWriter(err));
    assertThat(cli.execute("pause", "j-1", "--coordinator=http://127.0.0.1:" + port)).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("ferry pause: no coordinator answers at http://127.0.0.1:" + port
        + " (start one with 'ferry coordinator', or pass --coordinator URL)" + System.lineSeparator());
  }

  @Test
  void rollbackSendsTheNamedSelectionOnly() throws Exception {
    ApiStub.Run run = api.answer(202, """
        {"rollback":{"id":"rollback:1","state":"pending"},"copyUnits":["copy:a:public.orders:0000","copy:a:public.orders:0001"],
         "job":%s}""".formatted(PAUSED)).run("rollback", "j-1", "--tenant=a", "--table=public.orders");
    assertThat(run.exit()).as(run.err()).isZero();
    ApiStub.Request request = api.only();
    assertThat(request.method() + " " + request.path()).isEqualTo("POST /api/v1/jobs/j-1/rollback");
    assertThat(Json.mapper().readTree(request.body())).isEqualTo(Json.mapper().readTree("""
        {"tenant":"a","table":"public.orders"}"""));
    assertThat(run.out()).contains("rollback:1 of job j-1 started: tenant a, table public.orders, 2 copy units to copy again;"
        + " the job is paused", "ferry units j-1 --kind rollback");
  }

  @Test
  void rollbackWithoutASelectionIsAUsageError() {
    ApiStub.Run run = api.run("rollback", "j-1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("ferry rollback: name what to roll back: --tenant, --table or --unit");
    assertThat(api.requests).isEmpty();
  }

  @Test
  void rollbackWaitsForItsUnitAndFailsWithIt() {
    String started = """
        {"rollback":{"id":"rollback:2","state":"pending"},"copyUnits":[],"job":%s}""".formatted(PAUSED);
    ApiStub.Run done = api.answer(202, started)
        .answer(200, """
            {"units":[{"id":"rollback:1","kind":"rollback","state":"done","rows":5},
                      {"id":"rollback:2","kind":"rollback","state":"leased","rows":0}]}""")
        .answer(200, """
            {"units":[{"id":"rollback:2","kind":"rollback","state":"done","rows":4200}]}""")
        .run("rollback", "j-1", "--unit=copy:a:public.orders:0003", "--wait");
    assertThat(done.exit()).as(done.err()).isZero();
    assertThat(done.out()).contains("rollback:2 done: 4,200 target rows deleted", "ferry resume j-1");
    assertThat(api.requests).extracting(ApiStub.Request::path).containsExactly("/api/v1/jobs/j-1/rollback",
        "/api/v1/jobs/j-1/units?kind=rollback", "/api/v1/jobs/j-1/units?kind=rollback");

    ApiStub.Run failed = api.answer(202, started).answer(200, """
        {"units":[{"id":"rollback:2","kind":"rollback","state":"failed","rows":0,
                   "error":"update or delete on table \\"customers\\" violates foreign key constraint"}]}""")
        .run("rollback", "j-1", "--tenant=a", "--wait", "--json");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out().lines()).hasSize(2).last().asString().contains("\"state\":\"failed\"", "violates foreign key");
  }

  @Test
  void rejectsListsTheRefusedRowsOfATenantAndTable() {
    ApiStub.Run run = api.answer(200, """
        {"id":"j-1","limit":2,"rejects":[
         {"unit":"copy:a:public.items:0003","tenant":"a","table":"public.items","key":["7",null],"columns":["id","note"],
          "payload":"7\\tx","payloadTruncated":false,"error":"value too long for type character varying(3)",
          "sqlState":"22001","rejectedAt":"2026-12-07T10:00:00Z"},
         {"unit":"copy:a:public.items:0004","tenant":"a","table":"public.items","key":["9","2"],"columns":["id","note"],
          "payload":"9\\ty","payloadTruncated":false,"error":"null value in column \\"note\\"",
          "sqlState":"23502","rejectedAt":"2026-12-07T10:00:01Z"}]}""")
        .run("rejects", "j-1", "--tenant", "a b", "--table", "public.items", "--limit", "2");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(api.only().method() + " " + api.only().path())
        .isEqualTo("GET /api/v1/jobs/j-1/rejects?tenant=a+b&table=public.items&limit=2");
    assertThat(run.out().lines().toList()).hasSize(4);
    assertThat(run.out()).contains("TENANT", "7, NULL", "copy:a:public.items:0003", "value too long for type character varying(3)",
        "9, 2", "2 rows shown, the limit: --limit for more");

    ApiStub.Run none = api.answer(200, """
        {"id":"j-1","limit":100,"rejects":[]}""").run("rejects", "j-1");
    assertThat(none.out()).isEqualTo("no rejected row" + System.lineSeparator());
    assertThat(api.requests.get(api.requests.size() - 1).path()).isEqualTo("/api/v1/jobs/j-1/rejects");
  }

  @Test
  void limitsPatchesOnlyTheGivenLimitsThenShowsTheRecordedOnes() throws Exception {
    ApiStub.Run run = api.answer(200, summary("running")).answer(200, """
        {"id":"j-1","state":"running","spec":{"limits":{"rowsPerSecond":5000,"maxUnitsPerSource":2}}}""")
        .run("limits", "j-1", "--rows-per-second=5_000", "--max-units=none");
    assertThat(run.exit()).as(run.err()).isZero();
    ApiStub.Request patch = api.requests.get(0);
    assertThat(patch.method() + " " + patch.path()).isEqualTo("PATCH /api/v1/jobs/j-1");
    assertThat(Json.mapper().readTree(patch.body())).isEqualTo(Json.mapper().readTree("""
        {"limits":{"rowsPerSecond":5000,"maxUnits":null}}"""));
    assertThat(api.requests.get(1).method() + " " + api.requests.get(1).path()).isEqualTo("GET /api/v1/jobs/j-1");
    assertThat(run.out()).contains("changed rowsPerSecond, maxUnits",
        "job j-1 limits: rows/s 5,000, bytes/s none, units at once none, units per source 2");
  }

  @Test
  void limitsWithoutAChangeOnlyShowsThem() {
    ApiStub.Run run = api.answer(200, """
        {"id":"j-1","state":"running","spec":{}}""").run("limits", "j-1");
    assertThat(run.exit()).isZero();
    assertThat(api.only().method()).isEqualTo("GET");
    assertThat(run.out()).isEqualTo("job j-1 limits: rows/s none, bytes/s none, units at once none, units per source none"
        + System.lineSeparator());
  }

  @Test
  void aLimitThatIsNotANumberIsAUsageError() {
    ApiStub.Run run = api.run("limits", "j-1", "--rows-per-second=fast");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("ferry limits: Invalid value for option '--rows-per-second': 'fast' is not a whole"
        + " number or none" + System.lineSeparator() + "See 'ferry limits --help'." + System.lineSeparator());
    assertThat(api.requests).isEmpty();
    assertThat(api.run("pause").err()).startsWith("ferry pause: Missing required parameter: 'JOB'")
        .contains("See 'ferry pause --help'.").doesNotContain("Usage:");
    assertThat(api.run("pause", "j-1", "--jsno").err()).contains("Unknown option: '--jsno'", "--json");
  }

  @Test
  void workersListsEachWorker() {
    ApiStub.Run run = api.answer(200, """
        {"workers":[{"id":"w-1","host":"vm-3","pid":4242,"maxUnits":4,"activeUnits":["copy:a:t:0001","copy:a:t:0002"],
                     "rowsPerSecond":21000.4,"bytesPerSecond":1.0,"rowsTotal":800000,"lastSeen":"2020-01-01T00:00:00Z",
                     "state":"stalled"}]}""")
        .run("workers");
    assertThat(run.exit()).isZero();
    assertThat(api.only().path()).isEqualTo("/api/v1/workers");
    assertThat(run.out().lines().toList()).hasSize(2);
    assertThat(run.out()).contains("WORKER", "HOST", "STATE", "LAST SEEN", "w-1", "vm-3", "4242", "stalled", "2/4", "21,000",
        "800,000", "ago");
    assertThat(api.answer(200, "{\"workers\":[]}").run("workers").out()).contains("no worker is connected");
  }

  @Test
  void unitsFiltersByStateAndKindAndShowsEachError() {
    ApiStub.Run run = api.answer(200, """
        {"units":[{"id":"copy:a:public.orders:0003","jobId":"j-1","kind":"copy","tenantId":"a","table":"public.orders",
                   "range":{"lower":["300"],"upper":["400"]},"state":"failed","attempts":10,"rows":50,
                   "error":"job j-1 tenant a table public.orders range [300, 400): ERROR: disk full"}]}""")
        .run("units", "j-1", "--state=failed", "--kind=copy");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(api.only().path()).isEqualTo("/api/v1/jobs/j-1/units?state=failed&kind=copy");
    assertThat(run.out()).contains("copy:a:public.orders:0003", "failed", "[300, 400)", "10",
        "errors:", "  copy:a:public.orders:0003 (failed): job j-1 tenant a table public.orders range [300, 400): ERROR: disk full");
  }

  @Test
  void throughputShowsEachBucketFromTheFirstCommitWithABarScaledToThePeak() {
    ApiStub.Run run = api.answer(200, """
        {"id":"j-1","bucketSeconds":5,"points":[
          {"at":"2026-11-21T06:10:00Z","rowsPerSecond":0.0,"bytesPerSecond":0.0},
          {"at":"2026-11-21T06:10:05Z","rowsPerSecond":200000.0,"bytesPerSecond":23855104.0},
          {"at":"2026-11-21T06:10:10Z","rowsPerSecond":100000.0,"bytesPerSecond":11927552.0},
          {"at":"2026-11-21T06:10:15Z","rowsPerSecond":0.0,"bytesPerSecond":0.0}]}""").run("throughput", "j-1", "--minutes=2");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(api.only().path()).isEqualTo("/api/v1/jobs/j-1/throughput?minutes=2");
    assertThat(run.out().lines().toList()).hasSize(4).first().asString().startsWith("UTC");
    assertThat(run.out()).doesNotContain("06:10:00").contains("06:10:15");
    assertThat(run.out().lines().filter(l -> l.startsWith("06:10:05")).findFirst().orElseThrow())
        .contains("200,000", "22.8", "#".repeat(40));
    assertThat(run.out().lines().filter(l -> l.startsWith("06:10:10")).findFirst().orElseThrow())
        .contains("100,000", "11.4", "#".repeat(20)).doesNotContain("#".repeat(21));
    assertThat(api.answer(200, "{\"points\":[]}").run("throughput", "j-1").out()).contains("no rows committed");
  }

  @Test
  void statusWithoutWatchExitsZeroWhateverTheJobsState() {
    for (String state : new String[] {"failed", "cancelled", "succeeded", "paused"}) {
      ApiStub.Run run = api.answer(200, summary(state)).run("status", "j-1");
      assertThat(run.exit()).as(state).isZero();
      assertThat(run.out()).contains("state " + state);
    }
  }

  @Test
  void statusWatchExitsOneWhenTheJobEndsFailed() {
    ApiStub.Run run = api.answer(200, summary("running")).answer(200, summary("failed"))
        .run("status", "j-1", "--watch", "--interval=0");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("state running", "state failed", "ferry retry j-1");
    assertThat(api.answer(200, summary("succeeded")).run("status", "j-1", "--watch").exit()).isZero();
  }

  @Test
  void statusOfAnUnknownJobExitsOne() {
    ApiStub.Run run = api.answer(404, """
        {"error":"job not found","details":["no job with id nope"]}""").run("status", "nope");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("HTTP 404: job not found", "no job with id nope");
  }

  @Test
  void statusJsonPrintsTheAnswer() {
    ApiStub.Run run = api.answer(200, "{\"jobs\":[]}").run("status", "--json");
    assertThat(run.exit()).isZero();
    assertThat(run.out().strip()).isEqualTo("{\"jobs\":[]}");
    assertThat(api.run("status", "--watch").exit()).as("--watch without a job").isEqualTo(2);
  }

  @Test
  void reportJsonIsTheAnswerAndTheVerdictGatesTheExit() {
    String clean = "{\"job\":\"j-1\",\"verdict\":\"clean\",\"tables\":[],\"totals\":{}}";
    ApiStub.Run run = api.answer(200, clean).run("report", "j-1", "--json");
    assertThat(run.exit()).isZero();
    assertThat(run.out().strip()).isEqualTo(clean);
    assertThat(api.answer(200, clean.replace("clean", "differences")).run("report", "j-1").exit()).isEqualTo(1);
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(io.ferry.deploy.Ferry.commandLine().setErr(new java.io.PrintWriter(new java.io.StringWriter())).execute())
        .isEqualTo(2);
  }
}
