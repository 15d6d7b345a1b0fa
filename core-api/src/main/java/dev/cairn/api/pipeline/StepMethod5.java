package dev.cairn.api.pipeline;

import java.io.Serializable;

import org.apiguardian.api.API;

/** A reference to a {@code @Step} method with 5 parameter(s); serializable so the engine can find the method. */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1")
public interface StepMethod5<A, B, C, D, E, R> extends Serializable {
    R call(A a1, B a2, C a3, D a4, E a5) throws Exception;
}
