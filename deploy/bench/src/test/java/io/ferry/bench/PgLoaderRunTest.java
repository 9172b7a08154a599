package io.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgLoaderRunTest {

  @Test
  void loadFileCopiesOneTableRowsOnlyWithWritersForEachOfFerrysStreams() {
    String load = PgLoaderRun.loadFile("mssql://u:p@h:1433/src", "postgresql://postgres@h:5432/dst", "wide", 4);

    assertThat(load).isEqualTo("""
        LOAD DATABASE
          FROM mssql://u:p@h:1433/src
          INTO postgresql://postgres@h:5432/dst
          WITH create no indexes, no foreign keys, create tables, include drop,
               workers = 5, concurrency = 4, prefetch rows = 10000
          INCLUDING ONLY TABLE NAMES LIKE 'wide' IN SCHEMA 'dbo';
        """);
  }

  @Test
  void oneStreamIsOneReaderAndOneWriter() {
    assertThat(PgLoaderRun.loadFile("mssql://a", "postgresql://b", "narrow", 1))
        .contains("workers = 2, concurrency = 1,").contains("LIKE 'narrow'");
  }

  @Test
  void sourceUriEncodesWhatWouldEndTheUserOrPassword() {
    assertThat(PgLoaderRun.sourceUri("fe rry", "p@ss:w/rd?#", "127.0.0.1:1433", "ferry_bench_src"))
        .isEqualTo("mssql://fe%20rry:p%40ss%3Aw%2Frd%3F%23@127.0.0.1:1433/ferry_bench_src");
  }

  @Test
  void findsHostAndPortInAJdbcUrl() {
    assertThat(PgLoaderRun.hostPort("jdbc:sqlserver://127.0.0.1:1433;encrypt=false")).isEqualTo("127.0.0.1:1433");
    assertThat(PgLoaderRun.hostPort("jdbc:sqlserver://db.example")).isEqualTo("db.example:1433");
  }

  @Test
  void aHeapRunOutIsNamedWithSbclsSummaryNotItsGenerationTable() {
    // pgloader 3.6.9's last lines on wide at its default 100,000 prefetched rows.
    String output = """
        2026-12-07T18:49:35.428000Z LOG Migrating into #<PGSQL-CONNECTION pgsql://postgres@127.0.0.1:5432/pgl_probe {1006A41883}>
        Max connections reached, increase value of TDS_MAX_CONN
        Heap exhausted during garbage collection: 736 bytes available, 3232 requested.
          2     44      0      2     64    212     24  19603      1      3     35      0      0     25    2.3   637078992     2000000   19745   0  0.8710
        Tot   2181  36032  30991  33848   1067    869  30199     20     81    117    100      0    315    2.3  1049351536 [97.7% of 1073741824 max]
        fatal error encountered in SBCL pid 8944 tid 8991:
        Heap exhausted, game over.
        Welcome to LDB, a low-level debugger for the Lisp runtime environment.
        ldb>\s""";

    assertThat(PgLoaderRun.reason(output)).isEqualTo("SBCL's heap exhausted ([97.7% of 1073741824 max])");
  }

  @Test
  void otherwiseTheReasonIsPgloadersErrorLinesOrItsLastLines() {
    assertThat(PgLoaderRun.reason("LOG a\nERROR mssql: %dbsqlexec fail\nLOG b\nFATAL gave up\nLOG c\n"))
        .isEqualTo("ERROR mssql: %dbsqlexec fail / FATAL gave up");
    assertThat(PgLoaderRun.reason("one\ntwo\nthree\nfour\n")).isEqualTo("two / three / four");
  }
}
