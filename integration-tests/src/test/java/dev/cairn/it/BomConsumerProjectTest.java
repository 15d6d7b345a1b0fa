package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * A user's project that imports only {@code cairn-bom} and depends on every published Cairn module passes
 * maven-enforcer's {@code requireUpperBoundDeps} (and {@code banDuplicatePomDependencyVersions}).
 *
 * <p>How it avoids {@code mvn install} into the shared {@code ~/.m2}: the reactor's freshly built jars and POMs (the
 * modules', the parents', the BOM) are copied into a throw-away local repository under {@code target/}, laid out as
 * Maven expects; the consumer build runs with {@code -Dmaven.repo.local} pointing at it, and a settings file whose
 * only mirror is {@code file://~/.m2/repository}, so third-party POMs and the enforcer plugin come from the
 * repository the reactor build already filled — no network is used, and nothing is written to {@code ~/.m2}. Needs
 * the modules' jars, so it runs in {@code mvn verify} (skipped, saying so, when a jar has not been packaged).
 */
class BomConsumerProjectTest {
    private static final String ENFORCER_VERSION = "3.6.2";
    private static final List<String> UNPUBLISHED = List.of("bom", "integration-tests", "examples", "examples/spark", "benchmarks", "benchmarks/spark");

    @Test
    void aProjectImportingOnlyTheBomPassesRequireUpperBoundDeps() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String version = first(Pattern.compile("<artifactId>cairn-parent</artifactId>\\s*<version>([^<]+)</version>"),
                Files.readString(root.resolve("pom.xml")));
        Map<String, Path> modules = publishedModules(root);
        Map<String, Path> jars = new LinkedHashMap<>();
        for (Map.Entry<String, Path> module : modules.entrySet()) {
            Path jar = jarOf(module.getValue(), module.getKey(), version);
            assumeTrue(jar != null, "No jar in " + module.getValue().resolve("target")
                    + ": package the reactor first (mvn -B verify from the project root; ./run-tests does)");
            jars.put(module.getKey(), jar);
        }
        Path mavenHome = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path work = Path.of("target", "bom-consumer").toAbsolutePath();
        Path repository = work.resolve("repository");
        deleteRecursively(repository.resolve("dev/cairn")); // this build's Cairn, never an earlier one; third-party files stay cached

        publish(repository, "cairn-parent", version, root.resolve("pom.xml"), null);
        publish(repository, "cairn-bom", version, root.resolve("bom/pom.xml"), null);
        for (Path parent : parentModules(root)) {
            publish(repository, artifactId(parent), version, parent, null);
        }
        for (Map.Entry<String, Path> module : modules.entrySet()) {
            publish(repository, module.getKey(), version, module.getValue().resolve("pom.xml"), jars.get(module.getKey()));
        }
        // cairn-cli depends on cairn-examples (the quickstart's pipelines), so it is deployed with it, though the BOM leaves it out.
        Path examples = jarOf(root.resolve("examples"), "cairn-examples", version);
        assumeTrue(examples != null, "No cairn-examples jar: package the reactor first");
        publish(repository, "cairn-examples", version, root.resolve("examples/pom.xml"), examples);

        Path project = work.resolve("project");
        Files.createDirectories(project);
        Files.writeString(project.resolve("pom.xml"), consumerPom(version, modules.keySet()), StandardCharsets.UTF_8);
        Files.writeString(work.resolve("settings.xml"), settings(mavenHome), StandardCharsets.UTF_8);

        Path log = work.resolve("build.log");
        Process process = new ProcessBuilder("mvn", "-B", "-ntp", "-s", work.resolve("settings.xml").toString(),
                "-Dmaven.repo.local=" + repository, "-f", project.resolve("pom.xml").toString(), "validate")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("the consumer build finished within 5 minutes; its log: " + log).isTrue();
        assertThat(process.exitValue()).as("exit code of the consumer build; its output:\n" + output).isZero();
        // the enforcer logs each rule that passed ("Rule 1: …RequireUpperBoundDeps passed"); a violation fails the build
        assertThat(output).contains("maven-enforcer-plugin:" + ENFORCER_VERSION + ":enforce").contains("BUILD SUCCESS")
                .doesNotContain("RequireUpperBoundDeps failed").doesNotContain("Failed while enforcing RequireUpperBoundDeps");
        // nothing of this build went to the shared repository
        assertThat(repository.resolve("dev/cairn/cairn-core-api/" + version)).isDirectory();
    }

    /** artifactId → module directory of every published jar module, as the BOM lists them. */
    private static Map<String, Path> publishedModules(Path root) throws IOException {
        Map<String, Path> modules = new LinkedHashMap<>();
        for (String name : moduleNames(root.resolve("pom.xml"))) {
            if (UNPUBLISHED.contains(name)) {
                continue;
            }
            Path directory = root.resolve(name);
            String pom = Files.readString(directory.resolve("pom.xml"));
            if (pom.contains("<packaging>pom</packaging>")) {
                for (String child : moduleNames(directory.resolve("pom.xml"))) {
                    modules.put(artifactId(directory.resolve(child).resolve("pom.xml")), directory.resolve(child));
                }
            } else {
                modules.put(artifactId(directory.resolve("pom.xml")), directory);
            }
        }
        String bom = Files.readString(root.resolve("bom/pom.xml"));
        for (String artifactId : modules.keySet()) {
            assertThat(bom).as("the BOM manages " + artifactId).contains("<artifactId>" + artifactId + "</artifactId>");
        }
        return modules;
    }

    /** The module's main jar: {@code <artifactId>-<version>.jar}, or the one jar without a classifier a custom finalName gave. */
    private static Path jarOf(Path module, String artifactId, String version) throws IOException {
        Path target = module.resolve("target");
        Path standard = target.resolve(artifactId + "-" + version + ".jar");
        if (Files.isRegularFile(standard)) {
            return standard;
        }
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar")).toList();
            return jars.size() == 1 ? jars.get(0) : null;
        }
    }

    private static List<Path> parentModules(Path root) throws IOException {
        List<Path> parents = new ArrayList<>();
        for (String name : moduleNames(root.resolve("pom.xml"))) {
            Path pom = root.resolve(name).resolve("pom.xml");
            if (!UNPUBLISHED.contains(name) && Files.readString(pom).contains("<packaging>pom</packaging>")) {
                parents.add(pom);
            }
        }
        return parents;
    }

    private static List<String> moduleNames(Path pom) throws IOException {
        List<String> names = new ArrayList<>();
        Matcher module = Pattern.compile("^\\s*<module>([^<]+)</module>", Pattern.MULTILINE).matcher(Files.readString(pom));
        while (module.find()) {
            names.add(module.group(1));
        }
        return names;
    }

    /** The project's own artifactId: the first one after its parent element. */
    private static String artifactId(Path pom) throws IOException {
        String text = Files.readString(pom);
        int parentEnd = text.indexOf("</parent>");
        return first(Pattern.compile("<artifactId>([^<]+)</artifactId>"), parentEnd < 0 ? text : text.substring(parentEnd));
    }

    /** Lays a POM (and a jar) out as a local repository holds an installed artifact. */
    private static void publish(Path repository, String artifactId, String version, Path pom, Path jar) throws IOException {
        Path directory = repository.resolve("dev/cairn").resolve(artifactId).resolve(version);
        Files.createDirectories(directory);
        Files.copy(pom, directory.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, directory.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String consumerPom(String version, Iterable<String> artifactIds) {
        StringBuilder dependencies = new StringBuilder();
        for (String artifactId : artifactIds) {
            dependencies.append("    <dependency><groupId>dev.cairn</groupId><artifactId>").append(artifactId).append("</artifactId>")
                    .append(artifactId.equals("cairn-testkit") ? "<scope>test</scope>" : "").append("</dependency>\n");
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>cairn-bom-consumer</artifactId>
                  <version>1.0</version>
                  <packaging>jar</packaging>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>dev.cairn</groupId>
                        <artifactId>cairn-bom</artifactId>
                        <version>%s</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                %s  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-enforcer-plugin</artifactId>
                        <version>%s</version>
                        <executions>
                          <execution>
                            <id>enforce</id>
                            <phase>validate</phase>
                            <goals><goal>enforce</goal></goals>
                            <configuration>
                              <rules>
                                <banDuplicatePomDependencyVersions/>
                                <requireUpperBoundDeps/>
                              </rules>
                            </configuration>
                          </execution>
                        </executions>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(version, dependencies, ENFORCER_VERSION);
    }

    private static String settings(Path mavenHome) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
                  <mirrors>
                    <mirror>
                      <id>reactor-build-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(mavenHome.toUri());
    }

    private static String first(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(pattern.pattern()).isTrue();
        return matcher.group(1);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
