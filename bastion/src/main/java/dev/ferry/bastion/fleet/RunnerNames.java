package dev.ferry.bastion.fleet;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.vps.Endpoint;
import java.util.Locale;

/** Checks of runner names and advertised addresses. */
final class RunnerNames {
    private RunnerNames() {
    }

    static String valid(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!n.matches("[a-z][a-z0-9-]{0,62}")) {
            throw FerryException.invalid("runner name '" + (name == null ? "" : name) + "' is not valid: use a letter "
                    + "followed by up to 62 letters, digits or '-'");
        }
        return n;
    }

    static String validAddress(String address) {
        // an Endpoint checks host names and IP literals; the port is irrelevant here
        return new Endpoint(address == null ? "" : address.strip(), 22).host();
    }
}
