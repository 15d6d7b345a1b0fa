package dev.cairn.api.pipeline;

import org.apiguardian.api.API;

/**
 * Implemented by a record returned from a step to declare one output per record component (named after the
 * component). Any other return type, records included, is a single output named {@code output}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface MultipleOutputs {}
