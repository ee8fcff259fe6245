package dev.ferry.keys;

import java.util.regex.Pattern;

/**
 * The parts of one OpenSSH public key or authorized_keys line: {@code [options] type base64 [comment]}.
 * Options are recognised so they can be skipped; Ferry does not act on them.
 */
record PublicKeyLine(String options, String type, String base64, String comment) {

    private static final String EXPECTED = "expected \"<type> <base64> [comment]\"";
    private static final Pattern TYPE_LIKE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._+-]*");
    // Every key blob starts with a 4-byte length under 2^24, which base64 renders as "AAAA".
    private static final Pattern BLOB_LIKE = Pattern.compile("AAAA[A-Za-z0-9+/]+=*");

    static PublicKeyLine split(String line) {
        String text = line.strip();
        if (text.startsWith("-----BEGIN") && text.contains("PRIVATE KEY")) {
            throw new KeyFormatException("this is a private key, which must never be shared: "
                    + "pass the public key instead (the .pub file next to it)");
        }
        if (text.startsWith("---- BEGIN SSH2 PUBLIC KEY")) {
            throw new KeyFormatException("this is an RFC 4716 (SSH2) public key: convert it to OpenSSH format "
                    + "with ssh-keygen -i -f <file>");
        }
        if (text.isEmpty()) {
            throw new KeyFormatException("not an OpenSSH public key (the line is empty; " + EXPECTED + ")");
        }
        int optionsEnd = endOfOptions(text);
        String first = text.substring(0, optionsEnd);
        String afterFirst = text.substring(optionsEnd).strip();
        if (KeyType.forSshName(first).isPresent()) {
            return keyAt("", text);
        }
        String second = firstWord(afterFirst);
        if (KeyType.forSshName(second).isPresent()) {
            return keyAt(first, afterFirst);
        }
        // Neither token is a type we support; tell "a key of another type" apart from "not a key at all".
        if (TYPE_LIKE.matcher(first).matches() && BLOB_LIKE.matcher(second).matches()) {
            throw new KeyFormatException("unsupported key type '" + first + "'");
        }
        String third = firstWord(afterFirst.substring(second.length()).strip());
        if (TYPE_LIKE.matcher(second).matches() && BLOB_LIKE.matcher(third).matches()) {
            throw new KeyFormatException("unsupported key type '" + second + "'");
        }
        throw new KeyFormatException("not an OpenSSH public key (" + EXPECTED + ")");
    }

    private static PublicKeyLine keyAt(String options, String text) {
        String type = firstWord(text);
        String rest = text.substring(type.length()).strip();
        String base64 = firstWord(rest);
        if (base64.isEmpty()) {
            throw new KeyFormatException("key data is missing after '" + type + "' (" + EXPECTED + ")");
        }
        String comment = rest.substring(base64.length()).strip();
        return new PublicKeyLine(options, type, base64, comment);
    }

    /** Options end at the first space or tab outside double quotes; inside quotes, backslash escapes a quote. */
    private static int endOfOptions(String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && isBlank(c)) {
                return i;
            }
        }
        if (quoted) {
            throw new KeyFormatException("key options have an unterminated quote: add the closing '\"'");
        }
        return text.length();
    }

    private static String firstWord(String text) {
        int end = 0;
        while (end < text.length() && !isBlank(text.charAt(end))) {
            end++;
        }
        return text.substring(0, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
