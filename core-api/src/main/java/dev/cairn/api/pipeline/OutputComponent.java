package dev.cairn.api.pipeline;

import java.io.Serializable;

import org.apiguardian.api.API;

/** A record accessor used to name an output ({@code Split::trainData}); serializable so its target can be read. */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1")
public interface OutputComponent<T, X> extends Serializable {
    X apply(T value);
}
