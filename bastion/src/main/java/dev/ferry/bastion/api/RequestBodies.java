package dev.ferry.bastion.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.ferry.api.Json;
import dev.ferry.bastion.FerryException;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the control API's request bodies (the records of {@code dev.ferry.api} and {@code dev.ferry.protocol}) and
 * their fields: every failure is a sentence naming the field, answered 400. Unknown fields are refused.
 */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** Reads a request body, turning every Jackson failure into a sentence naming the field. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw FerryException.invalid("the request body is empty; expected a JSON object");
        }
        T value;
        try {
            value = Json.MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw FerryException.invalid("unknown field '" + Json.fieldPath(e) + "'; known fields: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            throw FerryException.invalid("field '" + Json.fieldPath(e) + "' has a bad value: " + e.getValue());
        } catch (MismatchedInputException e) {
            String field = Json.fieldPath(e);
            throw FerryException.invalid(field.isEmpty()
                    ? "the request body must be a JSON object"
                    : "field '" + field + "' has the wrong type (expected "
                            + describe(e.getTargetType()) + ")");
        } catch (JsonParseException e) {
            throw FerryException.invalid("the request body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FerryException fe) {
                // a record's compact constructor refused a value: its message names the field
                throw fe;
            }
            throw FerryException.invalid("the request body is not acceptable: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw FerryException.invalid("the request body could not be read");
        }
        if (value == null) {
            throw FerryException.invalid("the request body must be a JSON object, not null");
        }
        return value;
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return "an object";
    }

    /** The registry's column for key comments (schema V1). */
    static final int MAX_COMMENT = 1024;

    /** Parses the {@code keys} field: OpenSSH public key lines, errors naming the element. */
    public static List<SshPublicKey> parseKeys(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            throw FerryException.invalid("field 'keys' is required: a list of OpenSSH public key lines");
        }
        List<SshPublicKey> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line == null) {
                throw FerryException.invalid("keys[" + i + "]: is null; expected an OpenSSH public key line");
            }
            SshPublicKey key;
            try {
                key = SshPublicKey.parse(line);
            } catch (KeyFormatException e) {
                throw FerryException.invalid("keys[" + i + "]: " + e.getMessage());
            }
            if (key.comment().length() > MAX_COMMENT) {
                throw FerryException.invalid("keys[" + i + "]: the comment is " + key.comment().length()
                        + " characters long; at most " + MAX_COMMENT + " are kept");
            }
            keys.add(key);
        }
        return keys;
    }

    /**
     * Parses the {@code host_key} field: one OpenSSH public key line, kept as {@code type base64}.
     *
     * @return null when the field is absent
     */
    public static String parseHostKey(String line) {
        if (line == null) {
            return null;
        }
        try {
            return HostKeyLine.normalize(line);
        } catch (KeyFormatException e) {
            throw FerryException.invalid("field 'host_key': " + e.getMessage());
        }
    }

    /** A required string field. */
    public static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FerryException.invalid("field '" + field + "' is required");
        }
        return value;
    }
}
