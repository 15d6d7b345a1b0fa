package dev.cairn.api.pipeline;

import java.io.Serializable;

import org.apiguardian.api.API;

/** A reference to a {@code @Step} method with 3 parameter(s); serializable so the engine can find the method. */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1")
public interface StepMethod3<A, B, C, R> extends Serializable {
    R call(A a1, B a2, C a3) throws Exception;
}
