package io.ferry.deploy.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.protocol.Json;
import io.ferry.protocol.LogContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JsonLogLayoutTest {

  private static final Instant AT = Instant.parse("2026-12-07T13:05:09.042Z");

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger logger = context.getLogger("io.ferry.worker.unit.CopyUnit");

  private LoggingEvent event(Level level, String message, Throwable error, Object... args) {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, error, args);
    event.setTimeStamp(AT.toEpochMilli());
    return event;
  }

  private static JsonNode parsedLine(String line) throws Exception {
    assertThat(line).endsWith("\n");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r");
    return Json.mapper().readTree(line);
  }

  @Test
  void aLineIsOneObjectWithTimeLevelLoggerTheThreadsContextAndTheMessage() throws Exception {
    String line;
    try (LogContext ignored = LogContext.of("orders-k3x9qa", "copy:district_1:public.orders:0007", "district_1")) {
      line = new JsonLogLayout(ZoneId.of("Europe/Paris")).doLayout(event(Level.WARN, "{} rows in {} ms", null, 50_000, 812));
    }

    JsonNode json = parsedLine(line);
    assertThat(json.properties()).extracting(e -> e.getKey())
        .containsExactly("time", "level", "logger", "job", "unit", "tenant", "message");
    assertThat(json.path("time").asText()).isEqualTo("2026-12-07T14:05:09.042+01:00");
    assertThat(OffsetDateTime.parse(json.path("time").asText()).toInstant()).isEqualTo(AT);
    assertThat(json.path("level").asText()).isEqualTo("WARN");
    assertThat(json.path("logger").asText()).isEqualTo("io.ferry.worker.unit.CopyUnit");
    assertThat(json.path("job").asText()).isEqualTo("orders-k3x9qa");
    assertThat(json.path("unit").asText()).isEqualTo("copy:district_1:public.orders:0007");
    assertThat(json.path("tenant").asText()).isEqualTo("district_1");
    assertThat(json.path("message").asText()).isEqualTo("50000 rows in 812 ms");
  }

  @Test
  void outsideAContextTheContextFieldsAreNullAndAnUtcTimeEndsInZ() throws Exception {
    JsonNode json = parsedLine(new JsonLogLayout(ZoneId.of("UTC")).doLayout(event(Level.INFO, "Worker stopped", null)));

    assertThat(json.path("time").asText()).isEqualTo("2026-12-07T13:05:09.042Z");
    for (String field : List.of("job", "unit", "tenant")) {
      assertThat(json.has(field)).as(field).isTrue();
      assertThat(json.path(field).isNull()).as(field).isTrue();
    }
  }

  @Test
  void quotesLineBreaksAndAStackTraceStayInsideOneLine() throws Exception {
    IllegalStateException error = new IllegalStateException("first line\nsecond \"quoted\" line");
    JsonNode json = parsedLine(new JsonLogLayout().doLayout(
        event(Level.ERROR, "unexpected failure {} on {}", error, "k3x9qa", "POST /api/v1/jobs\tnow")));

    assertThat(json.path("message").asText()).isEqualTo("unexpected failure k3x9qa on POST /api/v1/jobs\tnow");
    assertThat(json.path("exception").asText()).startsWith("java.lang.IllegalStateException: first line\nsecond \"quoted\" line")
        .contains("at io.ferry.deploy.logging.JsonLogLayoutTest.quotesLineBreaksAndAStackTraceStayInsideOneLine");
  }

  @Test
  void contextsNestAndCloseBackToWhatTheThreadHad() throws Exception {
    JsonLogLayout layout = new JsonLogLayout();
    try (LogContext job = LogContext.job("orders-k3x9qa")) {
      try (LogContext unit = LogContext.of("orders-k3x9qa", "verify:a:public.t:0001", "a")) {
        assertThat(parsedLine(layout.doLayout(event(Level.INFO, "inner", null))).path("tenant").asText()).isEqualTo("a");
      }
      JsonNode after = parsedLine(layout.doLayout(event(Level.INFO, "outer", null)));
      assertThat(after.path("job").asText()).isEqualTo("orders-k3x9qa");
      assertThat(after.path("unit").isNull()).isTrue();
    }
    assertThat(parsedLine(layout.doLayout(event(Level.INFO, "none", null))).path("job").isNull()).isTrue();
  }

  @Test
  void theTextFormatIsDatedWithTheZoneAsTheJsonOne() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/logback.xml")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("%d{" + LogTime.PATTERN + "}");
    }
  }

  @Test
  void jsonSwapsTheConsoleEncoderAndTextLeavesIt() {
    OutputStreamAppender<?> console = (OutputStreamAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogFormat.APPENDER);
    var configured = console.getEncoder();
    try {
      LogFormat.TEXT.apply();
      assertThat(console.getEncoder()).isSameAs(configured);
      LogFormat.JSON.apply();
      assertThat(((LayoutWrappingEncoder<?>) console.getEncoder()).getLayout()).isInstanceOf(JsonLogLayout.class);
      assertThat(console.isStarted()).isTrue();
    } finally {
      @SuppressWarnings("unchecked")
      OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> restore = (OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>) console;
      restore.stop();
      restore.setEncoder((ch.qos.logback.core.encoder.Encoder<ch.qos.logback.classic.spi.ILoggingEvent>) configured);
      restore.start();
    }
  }

  @Test
  void theFlagReadsTextOrJsonInAnyCaseAndNothingElse() {
    LogFormat.Converter converter = new LogFormat.Converter();
    assertThat(converter.convert("json")).isEqualTo(LogFormat.JSON);
    assertThat(converter.convert("TEXT")).isEqualTo(LogFormat.TEXT);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> converter.convert("xml"))
        .hasMessage("'xml' is not a log format: text or json");
  }
}
