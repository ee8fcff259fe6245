package dev.ferry.bastion.host;

import dev.ferry.bastion.log.AuditLog;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.AppenderComponentBuilder;
import org.apache.logging.log4j.core.config.builder.api.ComponentBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.api.RootLoggerComponentBuilder;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Logging of the Host: the console and files in {@code DATA_DIR/logs/}, rolled daily and whenever one reaches
 * {@link #FILE_SIZE}, their total bounded: lines a peer can cause are logged at a bounded rate, and what is left
 * cannot fill the disk either.
 */
public final class HostLogging {
    /** A log file rolls over at this size, as well as daily. */
    static final long FILE_SIZE = 100L << 20;
    /** Rolled files of one kind kept at most, in bytes (and at most {@code max} days, below). */
    static final long KEPT_BYTES = 2L << 30;
    // %enc{...}{CRLF}: a client-chosen string with a line break cannot forge a log line
    private static final String PATTERN = "%d{ISO8601} %-5level [%t] %c{1} - %enc{%msg}{CRLF}%n%enc{%throwable}{CRLF}";

    private HostLogging() {
    }

    /** (Re)configures Log4j2 for a Host whose logs go to {@code logDir}. */
    public static void init(Path logDir) {
        configure("ferry-host", logDir, FILE_SIZE);
    }

    /** The same with files rolled at this size (tests). */
    static void init(Path logDir, long fileSize) {
        configure("ferry-host", logDir, fileSize);
    }

    /** Console-only logging, for a runner on its own. */
    public static void initConsoleOnly() {
        configure("ferry-console", null, FILE_SIZE);
    }

    /** The console always, rolled files in {@code logDir} when there is one. */
    private static void configure(String name, Path logDir, long fileSize) {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName(name);
        b.setShutdownHook("disable"); // the process's own shutdown hook logs its last lines, then stops Log4j
        b.add(b.newAppender("console", "Console")
                .addAttribute("target", ConsoleAppender.Target.SYSTEM_OUT)
                .add(b.newLayout("PatternLayout").addAttribute("pattern", PATTERN)));
        RootLoggerComponentBuilder root = b.newRootLogger(Level.INFO).add(b.newAppenderRef("console"));
        if (logDir != null) {
            AppenderComponentBuilder file = b.newAppender("file", "RollingFile")
                    .addAttribute("fileName", logDir.resolve("ferry-host.log").toString())
                    .addAttribute("filePattern", logDir.resolve("ferry-host-%d{yyyy-MM-dd}-%i.log.gz").toString())
                    .add(b.newLayout("PatternLayout").addAttribute("pattern", PATTERN))
                    .addComponent(policies(b, fileSize))
                    .addComponent(rollover(b, logDir, "ferry-host-*.log.gz", 14));
            b.add(file);
            root.add(b.newAppenderRef("file"));
            // the audit events, one JSON object a line, and nothing else (AuditLog)
            b.add(b.newAppender("audit", "RollingFile")
                    .addAttribute("fileName", logDir.resolve("audit.jsonl").toString())
                    .addAttribute("filePattern", logDir.resolve("audit-%d{yyyy-MM-dd}-%i.jsonl.gz").toString())
                    .add(b.newLayout("PatternLayout").addAttribute("pattern", "%msg%n"))
                    .addComponent(policies(b, fileSize))
                    .addComponent(rollover(b, logDir, "audit-*.jsonl.gz", 30)));
            b.add(b.newLogger(AuditLog.LOGGER, Level.INFO).add(b.newAppenderRef("audit"))
                    .addAttribute("additivity", false));
        } else {
            b.add(b.newLogger(AuditLog.LOGGER, Level.OFF).addAttribute("additivity", false));
        }
        // MINA, H2, HttpClient and docker-java are chatty at INFO about internals users cannot act on
        for (String quiet : new String[] {"org.apache.sshd", "org.h2", "org.apache.hc", "com.github.dockerjava",
            "com.zaxxer.hikari"}) {
            b.add(b.newLogger(quiet, Level.WARN));
        }
        b.add(root);
        Configurator.reconfigure(b.build());
    }

    /** Daily, and at {@code fileSize}. */
    private static ComponentBuilder<?> policies(ConfigurationBuilder<BuiltConfiguration> b, long fileSize) {
        return b.newComponent("Policies")
                .addComponent(b.newComponent("TimeBasedTriggeringPolicy"))
                .addComponent(b.newComponent("SizeBasedTriggeringPolicy").addAttribute("size", Long.toString(fileSize)));
    }

    /** Rolled files matching {@code glob} go after {@code days} days, or when together past {@link #KEPT_BYTES}. */
    private static ComponentBuilder<?> rollover(ConfigurationBuilder<BuiltConfiguration> b, Path logDir, String glob,
                                                int days) {
        return b.newComponent("DefaultRolloverStrategy").addAttribute("max", 1000)
                .addComponent(b.newComponent("Delete").addAttribute("basePath", logDir.toString())
                        .addAttribute("maxDepth", 1)
                        .addComponent(b.newComponent("IfFileName").addAttribute("glob", glob)
                                .addComponent(b.newComponent("IfAny")
                                        .addComponent(b.newComponent("IfLastModified").addAttribute("age", days + "d"))
                                        .addComponent(b.newComponent("IfAccumulatedFileSize")
                                                .addAttribute("exceeds", Long.toString(KEPT_BYTES))))));
    }

    /** Flushes and stops Log4j2; the last call of a Host process. */
    public static void shutdown() {
        org.apache.logging.log4j.LogManager.shutdown();
    }
}
