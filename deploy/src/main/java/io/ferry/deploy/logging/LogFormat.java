package io.ferry.deploy.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * How {@code ferry coordinator} and {@code ferry worker} write their log: {@code text}, one readable line
 * per event (logback.xml's pattern), or {@code json}, one {@link JsonLogLayout} object per line.
 */
public enum LogFormat {
  TEXT,
  JSON;

  /** The console appender of logback.xml, whose encoder {@link #apply} replaces. */
  static final String APPENDER = "STDOUT";

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * From now on the process logs in this format. Text is logback.xml's own encoder, so it changes nothing;
   * JSON swaps the console appender's encoder (the lines logged before this call stay text).
   */
  public void apply() {
    if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
    if (!(appender instanceof OutputStreamAppender<ILoggingEvent> console)) {
      return;
    }
    JsonLogLayout layout = new JsonLogLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    console.stop();
    console.setEncoder(encoder);
    console.start();
  }

  /** Reads {@code text} or {@code json} (any case); picocli reports anything else as a usage error. */
  public static final class Converter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      for (LogFormat format : values()) {
        if (format.wireName().equalsIgnoreCase(value.strip())) {
          return format;
        }
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a log format: text or json");
    }
  }
}
