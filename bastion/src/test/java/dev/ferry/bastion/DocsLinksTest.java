package dev.ferry.bastion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every link of the README and of docs/ leads somewhere in a fresh clone: the file, and the heading it names. */
class DocsLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

    @Test
    void everyLinkResolvesToAFileAndAHeading() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("[a-z]+:.*")) {
                    continue; // http(s), mailto: not this repository's
                }
                links++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path to = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(to)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(Files.readString(to)).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken, links + " links");
        // the README is the map: it links every page of docs/
        List<String> fromReadme = links(Files.readString(ROOT.resolve("README.md")));
        for (Path page : pages.subList(1, pages.size())) {
            String target = "docs/" + page.getFileName();
            assertTrue(fromReadme.stream().anyMatch(t -> t.equals(target) || t.startsWith(target + "#")),
                    "README.md links " + target);
        }
    }

    @Test
    void theReadmeStartsAUserAndStaysShort() throws IOException {
        long lines = Files.readString(ROOT.resolve("README.md")).lines().count();
        assertTrue(lines < 250, "README.md has " + lines + " lines: the rest belongs in docs/");
    }

    /** Link targets outside code blocks and code spans. */
    private static List<String> links(String markdown) {
        List<String> found = new ArrayList<>();
        for (String line : outsideFences(markdown)) {
            if (line.startsWith("    ")) {
                continue; // an indented code block
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    /** The anchors GitHub makes of a page's headings. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        for (String line : outsideFences(markdown)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                anchors.add(m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                        .replace(' ', '-'));
            }
        }
        return anchors;
    }

    /** The lines of a page outside its fenced code blocks. */
    private static List<String> outsideFences(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                lines.add(line);
            }
        }
        return lines;
    }
}
