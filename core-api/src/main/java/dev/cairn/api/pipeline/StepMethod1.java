package dev.cairn.api.pipeline;

import java.io.Serializable;

import org.apiguardian.api.API;

/** A reference to a {@code @Step} method with 1 parameter(s); serializable so the engine can find the method. */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1")
public interface StepMethod1<A, R> extends Serializable {
    R call(A a1) throws Exception;
}
