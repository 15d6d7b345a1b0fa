package dev.cairn.api.pipeline;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/** An argument of a step call: an artifact ({@link Ref}) or a literal parameter ({@link Param}). */
@API(status = API.Status.STABLE, since = "0.1")
public interface Input<T extends @Nullable Object> {}
