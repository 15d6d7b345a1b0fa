/**
 * XGBoost models as artifacts: {@link dev.cairn.materializers.ml.xgboost.XGBoostModel} (a booster plus its training
 * parameters) stored as {@code model.ubj} or {@code model.json} with a {@code cairn-model.json} sidecar.
 */
@NullMarked
package dev.cairn.materializers.ml.xgboost;

import org.jspecify.annotations.NullMarked;
