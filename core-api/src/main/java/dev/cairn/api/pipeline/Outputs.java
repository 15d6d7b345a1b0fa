package dev.cairn.api.pipeline;

import org.apiguardian.api.API;

/**
 * The outputs of one step call. For a single-output step it is itself the {@link Ref} to that output;
 * for a {@link MultipleOutputs} record, pick one output with {@link #get(OutputComponent)}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface Outputs<T> extends Ref<T> {
    /** The output named after a record component, e.g. {@code split.get(Split::trainData)}. */
    <X> Ref<X> get(OutputComponent<T, X> component);

    /** The output with this name. */
    <X> Ref<X> get(String outputName);
}
