/**
 * Tribuo models as artifacts: protobuf ({@code model.pb}), an ONNX export where Tribuo supports one
 * ({@code model.onnx}), and a {@code cairn-model.json} sidecar with the trainer's parameters.
 */
@NullMarked
package dev.cairn.materializers.ml.tribuo;

import org.jspecify.annotations.NullMarked;
