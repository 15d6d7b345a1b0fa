package dev.cairn.api.pipeline;

import java.lang.reflect.Type;

import org.apiguardian.api.API;

/** An artifact wired into a step: another step's output, or an existing artifact version. */
@API(status = API.Status.STABLE, since = "0.1")
public interface Ref<T> extends Input<T> {
    /** The declared type of the artifact ({@code Object} when it is only known at run time). */
    Type type();

    /** A short description for messages, e.g. {@code output 'trainData' of step 'splitDataset'}. */
    String describe();
}
