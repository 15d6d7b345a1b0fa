package dev.cairn.stores.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.Test;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/** Which faults {@link FaultRetry} retries, how long it waits, and what it reports, with scripted calls. */
class HdfsFaultRetryTest {
    private static final FaultRetry.Subject SUBJECT =
            new FaultRetry.Subject("read", "hdfs://nn:8020/store/a.bin", "hdfs://nn:8020/store/");

    private final FaultRetry retry = new FaultRetry(4, Duration.ofMillis(1), Duration.ofMillis(4));

    /** A call that throws the given exceptions in turn, then returns its attempt number. */
    private static final class ScriptedCall implements FaultRetry.Attempt<Integer> {
        private final List<IOException> failures;
        private final List<Integer> attempts = new ArrayList<>();

        ScriptedCall(IOException... failures) {
            this.failures = List.of(failures);
        }

        @Override
        public Integer run(int attempt) throws IOException {
            attempts.add(attempt);
            if (attempt <= failures.size()) {
                throw failures.get(attempt - 1);
            }
            return attempt;
        }
    }

    @Test
    void transientFaultsAreRetriedUntilTheCallSucceeds() throws IOException {
        ScriptedCall call = new ScriptedCall(new ConnectException("Connection refused"),
                remote("org.apache.hadoop.hdfs.server.namenode.SafeModeException", "Name node is in safe mode."),
                remote("org.apache.hadoop.ipc.RetriableException", "try again"));

        assertThat(retry.call(SUBJECT, call)).isEqualTo(4);
        assertThat(call.attempts).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aTransientFaultThatOutlastsTheAttemptsIsAStoreFailureNamingTheUri() {
        ScriptedCall call = new ScriptedCall(new ConnectException("Connection refused"), new ConnectException("a"),
                new ConnectException("b"), new ConnectException("c"), new ConnectException("d"));

        assertThatThrownBy(() -> retry.call(SUBJECT, call)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
            assertThat(e.getMessage()).contains("hdfs://nn:8020/store/a.bin").contains("hdfs://nn:8020/store/")
                    .contains("4 attempts").contains("java.net.ConnectException: c")
                    .contains(HdfsArtifactStoreProvider.RETRY_MAX_ATTEMPTS);
        });
        assertThat(call.attempts).containsExactly(1, 2, 3, 4);
    }

    @Test
    void permissionDeniedAndQuotaExceededFailAtOnceWithWhatToDo() {
        ScriptedCall denied = new ScriptedCall(new AccessControlException("Permission denied: user=alice"));
        assertThatThrownBy(() -> retry.call(SUBJECT, denied)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
            assertThat(e.getMessage()).contains("hdfs://nn:8020/store/a.bin").contains("permission denied")
                    .contains("user=alice").contains("chmod");
        });
        assertThat(denied.attempts).containsExactly(1);

        ScriptedCall quota = new ScriptedCall(remote("org.apache.hadoop.hdfs.protocol.DSQuotaExceededException",
                "The DiskSpace quota of /store is exceeded\n\tat org.apache.hadoop.Server.run"));
        assertThatThrownBy(() -> retry.call(SUBJECT, quota)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.getMessage()).contains("quota exceeded").contains("The DiskSpace quota of /store is exceeded")
                    .doesNotContain("Server.run");
        });
        assertThat(quota.attempts).containsExactly(1);
    }

    @Test
    void otherFailuresPassThroughUnchangedWithoutRetry() {
        FileNotFoundException missing = new FileNotFoundException("File does not exist: /store/a.bin");
        ScriptedCall call = new ScriptedCall(missing);

        assertThatThrownBy(() -> retry.call(SUBJECT, call)).isSameAs(missing);
        assertThat(call.attempts).containsExactly(1);

        InterruptedIOException interrupted = new InterruptedIOException("interrupted");
        ScriptedCall stopped = new ScriptedCall(interrupted);
        assertThatThrownBy(() -> retry.call(SUBJECT, stopped)).isSameAs(interrupted);
        assertThat(stopped.attempts).containsExactly(1);
    }

    @Test
    void aNameTheFileSystemRefusesIsAStoreFailure() {
        assertThatThrownBy(() -> retry.call(SUBJECT, attempt -> {
            throw new IllegalArgumentException("Pathname /store/a:b is not a valid DFS filename.");
        })).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
            assertThat(e.getMessage()).contains("a:b").contains("hdfs://nn:8020/store/a.bin");
        });
    }

    @Test
    void theBackoffDoublesUpToItsMaximum() {
        FaultRetry slow = new FaultRetry(10, Duration.ofMillis(500), Duration.ofSeconds(3));

        assertThat(List.of(slow.backoff(1), slow.backoff(2), slow.backoff(3), slow.backoff(4), slow.backoff(9)))
                .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    private static RemoteException remote(String className, String message) {
        return new RemoteException(className, message);
    }
}
