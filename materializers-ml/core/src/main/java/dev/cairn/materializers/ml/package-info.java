/**
 * Tensors and the parts every model artifact shares: {@link dev.cairn.materializers.ml.Tensor} and
 * {@link dev.cairn.materializers.ml.TensorMap} stored as safetensors, and the {@code cairn-model.json} sidecar
 * ({@link dev.cairn.materializers.ml.ModelSidecar}) with the model's signature and hyper-parameters. JDK and core-api only.
 */
@NullMarked
package dev.cairn.materializers.ml;

import org.jspecify.annotations.NullMarked;
