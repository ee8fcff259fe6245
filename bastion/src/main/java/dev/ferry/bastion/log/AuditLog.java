package dev.ferry.bastion.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Host's audit events: one JSON object a line in {@code logs/audit.jsonl} (rolled daily, 30 days kept), for
 * tools to read: every login, every connection that ended without one, every ProxyJump forward and plain-mode
 * channel with its bytes and duration, every refused channel, every penalty, and every change made through the
 * API with who made it. docs/operations.md lists every field. Values are JSON strings and numbers, so a client-chosen
 * name cannot break a line or forge a field.
 */
public final class AuditLog {
    /** The logger the Host's logging sends to the audit file only. */
    public static final String LOGGER = "ferry.audit";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditLog() {
    }

    /** An event named {@code name} at this instant; add its fields, then {@link Event#write()}. */
    public static Event event(String name) {
        return new Event(name);
    }

    /** One audit event being put together. */
    public static final class Event {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Event(String name) {
            fields.put("time", Instant.now().toString());
            fields.put("event", name);
        }

        /** Adds a field; a null value is left out. */
        public Event put(String field, Object value) {
            if (value != null) {
                fields.put(field, value instanceof Number || value instanceof Boolean ? value : value.toString());
            }
            return this;
        }

        public void write() {
            if (!log.isInfoEnabled()) {
                return;
            }
            try {
                log.info(JSON.writeValueAsString(fields));
            } catch (JsonProcessingException e) {
                // strings and numbers only: cannot happen
                throw new IllegalStateException(e);
            }
        }
    }
}
