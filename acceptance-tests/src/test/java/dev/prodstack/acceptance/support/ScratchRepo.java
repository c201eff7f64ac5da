package dev.prodstack.acceptance.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A scratch copy of what scripts/build-images.sh needs (scripts/, deployment/images/ and the root pom), for tests
 * that build with a changed lock, recipe or image list and must leave the repository as it is. The fetched
 * OpenSearch jars and this machine's record of its images stay behind.
 */
public final class ScratchRepo {

    private static final List<String> PARTS = List.of("scripts", "deployment/images", "pom.xml");

    private ScratchRepo() {}

    /** The copy, in a new directory below {@code parent}. */
    public static Path copy(Path parent) throws IOException {
        Path scratch = Files.createTempDirectory(parent, "repo");
        for (String part : PARTS) {
            try (Stream<Path> files = Files.walk(Repo.path(part))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path relative = Repo.root().relativize(file);
                    if (relative.startsWith("deployment/images/opensearch/lib")
                            || relative.toString().equals("deployment/images/versions.built")) {
                        continue;
                    }
                    Path target = scratch.resolve(relative.toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        return scratch;
    }
}
