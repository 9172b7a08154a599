package io.ferry.worker;

import static io.ferry.testsupport.TestPostgres.longOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.verify.TableChecksum;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Megabyte values stream: rows of about 5 MB (text, bytea and jsonb of well over a megabyte each) are
 * copied by a worker JVM whose heap is a fraction of the table, in chunks of a few rows. A copy that
 * gathered a chunk, a unit or the table in memory would run out of heap; a passthrough holds one row's
 * protocol message and a fixed write buffer.
 */
class LargeValuesIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final int ROWS = 20;
  private static final int HEAP_MB = 48;

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  @Test
  void rowsOfFiveMegabytesStreamThroughASmallHeapInSmallChunks() throws Exception {
    String sourceUrl = DBS.create("lv_src");
    String targetUrl = DBS.create("lv_tgt");
    try (Connection c = DBS.open(sourceUrl); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE big (id bigint PRIMARY KEY, t text, b bytea, j jsonb)");
      // ~2 MB of text, ~1.5 MB of bytea and ~1.5 MB of jsonb per row; different in every row.
      st.execute("""
          INSERT INTO big SELECT g, repeat(md5(g::text), 65536),
            decode(repeat(md5((g + 1000)::text), 98304), 'hex'),
            jsonb_build_object('g', g, 's', repeat(md5((g + 2000)::text), 49152))
          FROM generate_series(1, %d) g""".formatted(ROWS));
    }
    long tableBytes;
    try (Connection c = DBS.open(sourceUrl)) {
      tableBytes = longOf(c, "SELECT sum(octet_length(t) + octet_length(b) + octet_length(j::text)) FROM big");
    }
    assertThat(tableBytes).as("the table is larger than the worker's heap").isGreaterThan(2L * HEAP_MB * 1024 * 1024);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + HEAP_MB + "m", "-cp", System.getProperty("java.class.path"), LargeValueCopy.class.getName(),
        sourceUrl, targetUrl, DBS.user(), DBS.password() == null ? "-" : DBS.password(), "public.big",
        Long.toString(8L * 1024 * 1024)).redirectErrorStream(true).start();
    String output = drain(p);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("OK " + ROWS + " rows");

    try (Connection s = DBS.open(sourceUrl); Connection t = DBS.open(targetUrl)) {
      List<String> columns = List.of("id", "t", "b", "j");
      assertThat(TableChecksum.compute(t, "public.big", columns, null, null))
          .isEqualTo(TableChecksum.compute(s, "public.big", columns, null, null));
      assertThat(longOf(t, "SELECT chunks FROM ferry.checkpoints WHERE unit_id = 'copy'"))
          .as("8 MiB chunks of 5 MB rows: a commit every second row").isGreaterThanOrEqualTo(ROWS / 2);
    }
  }

  private static String drain(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
