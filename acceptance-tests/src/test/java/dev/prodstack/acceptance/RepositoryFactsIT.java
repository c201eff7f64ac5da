package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.prodstack.acceptance.support.Repo;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Facts of the repository that drift when written twice: each service default only in service/config.yml, each
 * image only in its image set's env file (the Helm chart's values agreeing with the official set), and every
 * relative link of every Markdown file resolving to a file and, with a fragment, to one of its headings. Reads
 * the tracked files (git ls-files); needs no stack.
 */
@Order(1)
class RepositoryFactsIT {

    private static final Pattern DEFAULT = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-([^}]*)}");
    private static final Pattern LINK = Pattern.compile("(?<!!)\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    @Test
    void every_default_of_config_yml_is_written_there_only() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        Matcher matcher = DEFAULT.matcher(Files.readString(Repo.path("service/config.yml")));
        while (matcher.find()) {
            defaults.put(matcher.group(1), matcher.group(2));
        }
        assertThat(defaults).as("the defaults of service/config.yml").containsKeys("CACHE_TTL_SECONDS", "STOP_DELAY");

        List<String> copies = new ArrayList<>();
        for (String file : tracked()) {
            if (!isDeploymentSetting(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(Repo.path(file));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                for (Map.Entry<String, String> entry : defaults.entrySet()) {
                    String name = entry.getKey();
                    String value = Pattern.quote(entry.getValue());
                    boolean secondDefault = Pattern.compile("\\$\\{" + name + ":?-")
                            .matcher(line)
                            .find();
                    boolean sameValue = !entry.getValue().isEmpty()
                            && Pattern.compile(
                                            "(^|[\\s\"'-])" + name + "\\s*[=:]\\s*[\"']?" + value + "[\"']?\\s*(#.*)?$")
                                    .matcher(line)
                                    .find();
                    if (secondDefault || sameValue) {
                        copies.add(file + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertThat(copies)
                .as("a second copy of a default of service/config.yml (leave the variable unset instead)")
                .isEmpty();
    }

    @Test
    void every_image_is_named_only_by_its_image_set() throws IOException {
        Map<String, String> official = envFile("deployment/images/official.env");
        Map<String, String> offline = envFile("deployment/images/offline.env");
        assertThat(official).containsKeys("NGINX_IMAGE", "POSTGRES_IMAGE");
        Set<String> records = Set.of(
                "deployment/images/official.env",
                "deployment/images/offline.env",
                "deployment/images/versions.lock",
                "deployment/images/versions.built");
        List<String> copies = new ArrayList<>();
        for (String file : tracked()) {
            if (records.contains(file) || !isText(file)) {
                continue;
            }
            String text = Files.readString(Repo.path(file));
            for (String image : official.values()) {
                if (Pattern.compile("(?<![\\w./-])" + Pattern.quote(image) + "(?![\\w.-])")
                        .matcher(text)
                        .find()) {
                    copies.add(file + ": " + image);
                }
            }
            for (String image : offline.values()) {
                if (text.contains(image)) {
                    copies.add(file + ": " + image);
                }
            }
        }
        assertThat(copies)
                .as("an image name written outside deployment/images/official.env and offline.env (name the variable)")
                .isEmpty();
    }

    @Test
    void the_charts_images_are_the_official_sets() throws IOException {
        Map<String, String> official = envFile("deployment/images/official.env");
        JsonNode values = new ObjectMapper(new YAMLFactory())
                .readTree(
                        Repo.path("deployment/kubernetes/prodstack/values.yaml").toFile());
        Map<String, String> chart = new LinkedHashMap<>();
        chart.put("NGINX_IMAGE", image(values.path("edge").path("image")));
        chart.put(
                "NGINX_EXPORTER_IMAGE",
                image(values.path("edge").path("exporter").path("image")));
        chart.put("POSTGRES_IMAGE", image(values.path("postgres").path("image")));
        chart.put(
                "POSTGRES_EXPORTER_IMAGE",
                image(values.path("postgres").path("exporter").path("image")));
        chart.put("REDIS_IMAGE", image(values.path("redis").path("image")));
        chart.put(
                "REDIS_EXPORTER_IMAGE",
                image(values.path("redis").path("exporter").path("image")));
        // Helm cannot read an env file: the chart's values are its own interface, checked against the set here.
        chart.forEach((name, image) -> assertThat(image)
                .as("values.yaml's image for %s (deployment/images/official.env)", name)
                .isEqualTo(official.get(name)));
    }

    @Test
    void every_relative_link_of_every_markdown_file_resolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (String file : tracked()) {
            if (!file.endsWith(".md") || file.startsWith("acceptance-tests/seed/")) {
                continue;
            }
            Path source = Repo.path(file);
            String text = withoutCode(Files.readString(source));
            Matcher matcher = LINK.matcher(text);
            while (matcher.find()) {
                String target = matcher.group(1);
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue;
                }
                links++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String fragment = hash < 0 ? "" : target.substring(hash + 1);
                Path resolved = path.isEmpty()
                        ? source
                        : source.getParent().resolve(path).normalize();
                if (!resolved.startsWith(Repo.root())) {
                    // It may resolve on the machine it was written on; a clone has nothing there.
                    broken.add(file + ": " + target + " (outside the repository)");
                } else if (!Files.exists(resolved)) {
                    broken.add(file + ": " + target + " (no such file)");
                } else if (!fragment.isEmpty()
                        && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(fragment)) {
                    broken.add(file + ": " + target + " (no such heading)");
                }
            }
        }
        System.out.printf("RepositoryFactsIT: %d relative links checked, %d broken%n", links, broken.size());
        assertThat(links).as("relative links found").isPositive();
        assertThat(broken).as("relative links that do not resolve").isEmpty();
    }

    @Test
    void no_shell_script_is_over_300_lines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (String file : tracked()) {
            if (file.endsWith(".sh") || file.equals(".ci/run")) {
                long lines = Files.readAllLines(Repo.path(file)).size();
                if (lines > 300) {
                    tooLong.add(file + ": " + lines + " lines");
                }
            }
        }
        assertThat(tooLong)
                .as("scripts over 300 lines (split them by concern, as scripts/lib/ does)")
                .isEmpty();
    }

    /** The files the repository tracks, as paths relative to its root. */
    private static List<String> tracked() {
        return Command.of("git", "ls-files")
                .in(Repo.root())
                .check()
                .stdout()
                .lines()
                .filter(file -> Files.isRegularFile(Repo.path(file)))
                .toList();
    }

    /** Where a deployment writes service settings: compose, env, Dockerfiles, the chart, the scripts' defaults. */
    private static boolean isDeploymentSetting(String file) {
        String name = Path.of(file).getFileName().toString();
        return file.startsWith("deployment/")
                        && (name.endsWith(".yml")
                                || name.endsWith(".yaml")
                                || name.contains(".env")
                                || name.startsWith("Dockerfile")
                                || name.endsWith(".tpl"))
                || file.startsWith("scripts/lib/");
    }

    private static boolean isText(String file) {
        return file.matches(".*\\.(md|ya?ml|env|example|sh|java|xml|conf|tpl|mjs|json|properties|txt)$")
                || Path.of(file).getFileName().toString().startsWith("Dockerfile");
    }

    private static Map<String, String> envFile(String file) throws IOException {
        return Files.readAllLines(Repo.path(file)).stream()
                .filter(line -> line.matches("^[A-Z][A-Z0-9_]*=.+"))
                .collect(Collectors.toMap(
                        line -> line.substring(0, line.indexOf('=')),
                        line -> line.substring(line.indexOf('=') + 1).strip(),
                        (first, second) -> second,
                        LinkedHashMap::new));
    }

    private static String image(JsonNode node) {
        return node.path("repository").asText() + ":" + node.path("tag").asText();
    }

    /** Fenced code blocks and inline code hold examples, not links. */
    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "").replaceAll("`[^`\\n]*`", "");
    }

    /** GitHub's anchors of a Markdown file's headings (lower case, punctuation gone, spaces as hyphens). */
    private static Set<String> anchors(Path markdown) {
        try {
            Map<String, Integer> seen = new LinkedHashMap<>();
            String text = Files.readString(markdown).replaceAll("(?s)```.*?```", "");
            for (String line : text.lines().toList()) {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String slug = heading.group(1)
                            .replaceAll("[`*]", "")
                            .replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1")
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N} _-]", "")
                            .replace(' ', '-');
                    int count = seen.merge(slug, 1, Integer::sum);
                    if (count > 1) {
                        seen.put(slug + "-" + (count - 1), 1);
                    }
                }
            }
            return seen.keySet();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
