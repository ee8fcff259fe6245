package dev.ferry.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version from the jar's manifest. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"ferry " + (v == null ? "development build" : v)};
    }
}
