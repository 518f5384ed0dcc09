package io.stowage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.junit.jupiter.api.Test;

/**
 * Every link in the repository's Markdown leads somewhere inside the repository: a relative link names a file that
 * exists, and a {@code #fragment} names a heading of the Markdown file it points to, with GitHub's anchors.
 */
class DocumentationLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final List<Extension> EXTENSIONS =
            List.of(TablesExtension.create(), HeadingAnchorExtension.create());

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void everyLinkInTheMarkdownLeadsToAFileOrHeadingOfTheRepository() throws IOException {
        List<Path> documents = markdownFiles();
        assertThat(documents).as("the Markdown files of the repository")
                .contains(ROOT.resolve("README.md"), ROOT.resolve("docs/testing.md"));
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            for (String destination : destinations(document)) {
                String problem = problem(document, destination);
                if (problem != null) {
                    broken.add(ROOT.relativize(document) + ": (" + destination + ") " + problem);
                }
            }
        }
        assertThat(broken).as("links that lead nowhere or out of the repository").isEmpty();
    }

    private String problem(Path document, String destination) throws IOException {
        if (destination.startsWith("//") || SCHEME.matcher(destination).find()) {
            return "leaves the repository";
        }
        int hash = destination.indexOf('#');
        String file = decode(hash < 0 ? destination : destination.substring(0, hash));
        String fragment = hash < 0 ? null : decode(destination.substring(hash + 1));
        Path target = file.isEmpty() ? document
                : file.startsWith("/") ? ROOT.resolve(file.substring(1)).normalize()
                : document.getParent().resolve(file).normalize();
        if (!target.startsWith(ROOT)) {
            return "leaves the repository";
        }
        if (!Files.exists(target)) {
            return "no such file";
        }
        if (fragment != null && target.toString().endsWith(".md") && !anchors(target).contains(fragment)) {
            return "no heading with the anchor #" + fragment + " in " + ROOT.relativize(target);
        }
        return null;
    }

    /** The anchors GitHub gives the headings of a document, as commonmark's heading-anchor extension makes them. */
    private Set<String> anchors(Path document) throws IOException {
        Set<String> known = anchors.get(document);
        if (known == null) {
            Set<String> ids = new HashSet<>();
            HtmlRenderer renderer = HtmlRenderer.builder().extensions(EXTENSIONS)
                    .attributeProviderFactory(context -> (node, tag, attributes) -> {
                        if (node instanceof Heading && attributes.containsKey("id")) {
                            ids.add(attributes.get("id"));
                        }
                    })
                    .build();
            renderer.render(parse(document));
            known = ids;
            anchors.put(document, known);
        }
        return known;
    }

    private static List<String> destinations(Path document) throws IOException {
        List<String> destinations = new ArrayList<>();
        parse(document).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                destinations.add(link.getDestination());
                visitChildren(link);
            }

            @Override
            public void visit(Image image) {
                destinations.add(image.getDestination());
            }
        });
        return destinations;
    }

    private static Node parse(Path document) throws IOException {
        return Parser.builder().extensions(EXTENSIONS).build().parse(Files.readString(document));
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> documents = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                // Build output and tool directories (.git, .mvn) hold no documentation of the repository's own.
                String name = directory.getFileName() == null ? "" : directory.getFileName().toString();
                return !directory.equals(ROOT) && (name.equals("target") || name.startsWith("."))
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().endsWith(".md")) {
                    documents.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return documents.stream().sorted().toList();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
