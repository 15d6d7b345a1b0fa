package dev.cairn.api.pipeline;

import java.io.Serializable;

import org.apiguardian.api.API;

/** A reference to a {@code @Step} method with 8 parameter(s); serializable so the engine can find the method. */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1")
public interface StepMethod8<A, B, C, D, E, F, G, H, R> extends Serializable {
    R call(A a1, B a2, C a3, D a4, E a5, F a6, G a7, H a8) throws Exception;
}
