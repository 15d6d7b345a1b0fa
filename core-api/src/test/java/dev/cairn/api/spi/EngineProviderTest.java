package dev.cairn.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineProviderTest {
    /** An engine provider that opens nothing; found through a services file in a temporary directory. */
    public static final class TestingEngineProvider implements EngineProvider {
        @Override
        public Cairn open(CairnConfiguration configuration) {
            throw new CairnException(ErrorCode.CONFIGURATION, "TestingEngineProvider opens no engine");
        }
    }

    /** A second engine provider, as a second engine jar on the class path would bring. */
    public static final class OtherTestingEngineProvider implements EngineProvider {
        @Override
        public Cairn open(CairnConfiguration configuration) {
            throw new CairnException(ErrorCode.CONFIGURATION, "OtherTestingEngineProvider opens no engine");
        }
    }

    @TempDir
    Path temp;

    @Test
    void theOneProviderOnTheClassPathIsFound() throws IOException {
        try (URLClassLoader loader = loaderListing(TestingEngineProvider.class)) {
            assertThat(EngineProvider.find(loader)).isInstanceOf(TestingEngineProvider.class);
        }
    }

    @Test
    void noProviderIsAConfigurationErrorSayingWhatToAdd() {
        // core-api's own test class path has no engine
        assertThatThrownBy(() -> EngineProvider.find(EngineProviderTest.class.getClassLoader()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("dev.cairn:cairn-core-engine");
    }

    @Test
    void twoProvidersAreAConfigurationErrorNamingBothWithTheirLocations() throws IOException {
        String location = TestingEngineProvider.class.getProtectionDomain().getCodeSource().getLocation().toString();
        try (URLClassLoader loader = loaderListing(TestingEngineProvider.class, OtherTestingEngineProvider.class)) {
            assertThatThrownBy(() -> EngineProvider.find(loader))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                    .hasMessageContaining("Found 2 Cairn engines")
                    .hasMessageContaining(TestingEngineProvider.class.getName() + " (from " + location + ")")
                    .hasMessageContaining(OtherTestingEngineProvider.class.getName() + " (from " + location + ")");
        }
    }

    /** A class loader over a temporary directory whose META-INF/services file lists {@code providers}. */
    private URLClassLoader loaderListing(Class<?>... providers) throws IOException {
        Path services = Files.createDirectories(temp.resolve("META-INF/services"));
        Files.write(services.resolve(EngineProvider.class.getName()), List.of(java.util.Arrays.stream(providers).map(Class::getName).toArray(String[]::new)));
        return new URLClassLoader(new URL[] {temp.toUri().toURL()}, EngineProviderTest.class.getClassLoader());
    }
}
