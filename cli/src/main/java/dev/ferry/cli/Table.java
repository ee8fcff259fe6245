package dev.ferry.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with left-aligned columns, as {@code docker ps} prints them. */
public final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
    }

    public void row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.length);
        }
        rows.add(cells);
    }

    public void print(PrintWriter out) {
        int[] width = new int[header.length];
        for (String[] r : allRows()) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : allRows()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    private List<String[]> allRows() {
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }

    /** "42s", "5m", "3h", "2d" since an ISO instant. */
    public static String age(String isoInstant) {
        Duration d = Duration.between(Instant.parse(isoInstant), Instant.now());
        if (d.isNegative() || d.toSeconds() < 60) {
            return Math.max(0, d.toSeconds()) + "s";
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + "m";
        }
        return d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
    }
}
