package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresLocationTest {
    @TempDir
    Path dir;

    @Test
    void parsesHostPortDatabaseUserAndOptions() {
        PostgresLocation location = PostgresLocation.parse(
                URI.create("postgresql://db.example:6543/meta?user=cairn&pool_size=3&statement_timeout=5&sslmode=require"), Map.<String, String>of()::get);
        assertThat(location.host()).isEqualTo("db.example");
        assertThat(location.port()).isEqualTo(6543);
        assertThat(location.database()).isEqualTo("meta");
        assertThat(location.user()).contains("cairn");
        assertThat(location.password()).isEmpty();
        assertThat(location.poolSize()).isEqualTo(3);
        assertThat(location.statementTimeout()).contains(Duration.ofSeconds(5));
        assertThat(location.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/meta?sslmode=require");
        assertThat(location.display()).isEqualTo("postgresql://cairn@db.example:6543/meta");
        assertThat(PostgresLocation.parse(URI.create("postgres://h/d"), Map.<String, String>of()::get).port()).isEqualTo(5432);
    }

    @Test
    void thePasswordComesFromAFileTheEnvironmentOrTheUriAndIsNeverDisplayed() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        URI uri = URI.create("postgresql://bob:inline@h:5432/d?password_file=" + file);
        PostgresLocation fromFile = PostgresLocation.parse(uri, Map.of("CAIRN_METADATA_PASSWORD", "from-env")::get);
        assertThat(fromFile.password()).contains("from-file");
        assertThat(fromFile.user()).contains("bob");
        PostgresLocation fromEnv = PostgresLocation.parse(URI.create("postgresql://bob:inline@h/d"), Map.of("CAIRN_METADATA_PASSWORD", "from-env")::get);
        assertThat(fromEnv.password()).contains("from-env");
        PostgresLocation inline = PostgresLocation.parse(URI.create("postgresql://h/d?user=bob&password=inline"), Map.<String, String>of()::get);
        assertThat(inline.password()).contains("inline");
        assertThat(inline.display() + inline.jdbcUrl() + inline).doesNotContain("inline");
    }

    @Test
    void unusableUrisAreConfigurationErrorsWithTheirPasswordMasked() {
        assertThatThrownBy(() -> PostgresLocation.parse(URI.create("postgresql://bob:s3cret@h:5432/?pool_size=x"), Map.<String, String>of()::get))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("postgresql://bob:****@h:5432/").hasMessageContaining("no database").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PostgresLocation.parse(URI.create("postgresql://h/d?pool_size=zero&password=s3cret"), Map.<String, String>of()::get))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("pool_size").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PostgresLocation.parse(URI.create("postgresql://h/d?password_file=" + dir.resolve("missing")), Map.<String, String>of()::get))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("password file");
        assertThat(Optional.of(PostgresLocation.mask(URI.create("postgresql://a:b@h/d?password=c")))).contains("postgresql://a:****@h/d?password=****");
    }
}
