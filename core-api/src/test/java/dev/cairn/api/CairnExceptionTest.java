package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class CairnExceptionTest {
    /** A third-party plugin's own codes, as the ErrorCodeSupplier Javadoc shows them. */
    enum TestingStoreError implements ErrorCodeSupplier {
        BUCKET_GONE(ErrorCode.STORE_FAILURE);

        private final ErrorCodeValue code;

        TestingStoreError(ErrorCode category) {
            code = new ErrorCodeValue("com.acme.store", name(), category);
        }

        @Override
        public ErrorCodeValue code() {
            return code;
        }
    }

    @Test
    void cairnCodesKeepTheirEnumAndOwner() {
        CairnException e = new CairnException(ErrorCode.STORE_FAILURE, "boom");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
        assertThat(e.code()).isEqualTo(new ErrorCodeValue("cairn", "STORE_FAILURE", ErrorCode.STORE_FAILURE));
        assertThat(e.code().isCairnCode()).isTrue();
        assertThat(e.code().id()).isEqualTo("cairn:STORE_FAILURE");
        assertThat(e).hasToString("CairnException[STORE_FAILURE]: boom");
    }

    @Test
    void aPluginCodeKeepsItsIdentityAndFallsUnderItsCategory() {
        IOException cause = new IOException("404");
        CairnException e = new CairnException(TestingStoreError.BUCKET_GONE, "bucket gone", cause);
        assertThat(e.code().id()).isEqualTo("com.acme.store:BUCKET_GONE");
        assertThat(e.code().isCairnCode()).isFalse();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
        assertThat(e).hasCause(cause);
        assertThat(e).hasToString("CairnException[com.acme.store:BUCKET_GONE (STORE_FAILURE)]: bucket gone");
    }

    @Test
    void codeValuesFollowTheirNamingRules() {
        assertThatThrownBy(() -> new ErrorCodeValue("Acme", "X", ErrorCode.STORE_FAILURE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner 'Acme'");
        assertThatThrownBy(() -> new ErrorCodeValue("acme", "bucket-gone", ErrorCode.STORE_FAILURE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name 'bucket-gone'");
        assertThatThrownBy(() -> new CairnException(() -> null, "x"))
                .isInstanceOf(NullPointerException.class).hasMessage("code.code() is null");
    }

    @Test
    void everyErrorCodeIsItsOwnCategory() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.code().category()).isSameAs(code);
            assertThat(code.code().name()).isEqualTo(code.name());
        }
    }
}
