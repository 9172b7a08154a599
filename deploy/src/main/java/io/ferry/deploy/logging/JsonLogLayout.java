package io.ferry.deploy.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.protocol.LogContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * One JSON object per line, for log pipelines: {@code time} (ISO 8601 with the offset of the process's time
 * zone, as the text format), {@code level}, {@code logger}, {@code job}, {@code unit} and {@code tenant}
 * (the thread's {@link LogContext}, null outside one), {@code message}, and {@code exception} (its stack
 * trace) when the event has one. Every field is always there, so a pipeline's schema never guesses.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {

  private static final JsonFactory JSON = new JsonFactory();

  private final ZoneId zone;

  public JsonLogLayout() {
    this(ZoneId.systemDefault());
  }

  JsonLogLayout(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      Map<String, String> context = event.getMDCPropertyMap();
      json.writeStartObject();
      json.writeStringField("time", LogTime.format(Instant.ofEpochMilli(event.getTimeStamp()), zone));
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("job", context.get(LogContext.JOB));
      json.writeStringField("unit", context.get(LogContext.UNIT));
      json.writeStringField("tenant", context.get(LogContext.TENANT));
      json.writeStringField("message", event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        json.writeStringField("exception", ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // JSON escapes every line break inside a string: the object is one line.
    return out.append('\n').toString();
  }
}
