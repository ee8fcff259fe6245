package dev.ferry.bastion.host;

import dev.ferry.bastion.log.AuditLog;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.AppenderComponentBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.api.RootLoggerComponentBuilder;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/** Logging of the Host: the console and a daily-rolled file in {@code DATA_DIR/logs/}. */
public final class HostLogging {
    // %enc{...}{CRLF}: a client-chosen string with a line break cannot forge a log line
    private static final String PATTERN = "%d{ISO8601} %-5level [%t] %c{1} - %enc{%msg}{CRLF}%n%enc{%throwable}{CRLF}";

    private HostLogging() {
    }

    /** (Re)configures Log4j2 for a Host whose logs go to {@code logDir}. */
    public static void init(Path logDir) {
        configure("ferry-host", logDir);
    }

    /** Console-only logging, for a runner on its own. */
    public static void initConsoleOnly() {
        configure("ferry-console", null);
    }

    /** The console always, a daily-rolled file in {@code logDir} when there is one. */
    private static void configure(String name, Path logDir) {
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
                    .addAttribute("filePattern", logDir.resolve("ferry-host-%d{yyyy-MM-dd}.log.gz").toString())
                    .add(b.newLayout("PatternLayout").addAttribute("pattern", PATTERN))
                    .addComponent(b.newComponent("Policies")
                            .addComponent(b.newComponent("TimeBasedTriggeringPolicy")))
                    .addComponent(b.newComponent("DefaultRolloverStrategy").addAttribute("max", 14));
            b.add(file);
            root.add(b.newAppenderRef("file"));
            // the audit events, one JSON object a line, and nothing else (AuditLog)
            b.add(b.newAppender("audit", "RollingFile")
                    .addAttribute("fileName", logDir.resolve("audit.jsonl").toString())
                    .addAttribute("filePattern", logDir.resolve("audit-%d{yyyy-MM-dd}.jsonl.gz").toString())
                    .add(b.newLayout("PatternLayout").addAttribute("pattern", "%msg%n"))
                    .addComponent(b.newComponent("Policies")
                            .addComponent(b.newComponent("TimeBasedTriggeringPolicy")))
                    .addComponent(b.newComponent("DefaultRolloverStrategy").addAttribute("max", 30)));
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

    /** Flushes and stops Log4j2; the last call of a Host process. */
    public static void shutdown() {
        org.apache.logging.log4j.LogManager.shutdown();
    }
}
