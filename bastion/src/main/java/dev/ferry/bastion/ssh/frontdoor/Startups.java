package dev.ferry.bastion.ssh.frontdoor;

/**
 * OpenSSH's MaxStartups {@code start:rate:full} for connections not logged in yet: nothing dropped up to
 * {@code start}, {@code rate} percent just past it, growing to all of them beyond {@code full}.
 */
public record Startups(int start, int rate, int full) {
    public Startups {
        if (start < 1 || rate < 0 || rate > 100 || full < start) {
            throw new IllegalArgumentException("must be start:rate:full with 1 <= start <= full and a rate of 0 to "
                    + "100, like 64:30:256, not " + start + ":" + rate + ":" + full);
        }
    }

    /** {@code 64:30:256}; {@code key} names the setting in errors. */
    public static Startups parse(String key, String text) {
        String s = text == null ? "" : text.strip();
        if (!s.matches("[0-9]{1,7}:[0-9]{1,3}:[0-9]{1,7}")) {
            throw new IllegalArgumentException(key + " must be start:rate:full, like 64:30:256, not '" + s + "'");
        }
        String[] p = s.split(":");
        try {
            return new Startups(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + e.getMessage());
        }
    }

    /** Whether the {@code n}-th connection not logged in yet is dropped, for a uniform draw in [0, 1). */
    boolean drops(int n, double draw) {
        if (n <= start) {
            return false;
        }
        if (n > full) {
            return true;
        }
        double chance = (rate + (100.0 - rate) * (n - 1 - start) / Math.max(1, full - start)) / 100.0;
        return draw < chance;
    }

    @Override
    public String toString() {
        return start + ":" + rate + ":" + full;
    }
}
