/** LightGBM models as artifacts: an {@code LGBMBooster} stored as {@code model.txt} with a {@code cairn-model.json} sidecar. */
@NullMarked
package dev.cairn.materializers.ml.lightgbm;

import org.jspecify.annotations.NullMarked;
