package dev.cairn.api.pipeline;

import java.io.Serializable;

import org.apiguardian.api.API;

/** A reference to a {@code @Step} method with 2 parameter(s); serializable so the engine can find the method. */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1")
public interface StepMethod2<A, B, R> extends Serializable {
    R call(A a1, B a2) throws Exception;
}
