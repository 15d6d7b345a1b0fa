/**
 * ONNX models as artifacts: {@link dev.cairn.materializers.ml.onnx.OnnxModel} stored as {@code model.onnx} plus its
 * external-data files (never outside the artifact) and a {@code cairn-model.json} sidecar with the graph's signature;
 * loaded as an onnxruntime session on demand.
 */
@NullMarked
package dev.cairn.materializers.ml.onnx;

import org.jspecify.annotations.NullMarked;
