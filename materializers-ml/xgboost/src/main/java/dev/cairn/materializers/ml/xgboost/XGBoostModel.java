package dev.cairn.materializers.ml.xgboost;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.cairn.materializers.ml.TensorMap;
import ml.dmlc.xgboost4j.java.Booster;
import org.apiguardian.api.API;

/**
 * An XGBoost {@link Booster} with the parameters it was trained with. XGBoost's model file does not keep the
 * training parameters (dmlc/xgboost#10706); Cairn stores them in the artifact's {@code cairn-model.json}, so they
 * come back with the booster. The booster is not copied: it is the caller's, and so is {@link Booster#dispose()}.
 *
 * @param booster the trained booster
 * @param params the training parameters (JSON values: strings, numbers, booleans, lists and maps of them)
 * @param exampleInput an example input stored beside the model ({@code example-input.safetensors}), if any
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record XGBoostModel(Booster booster, Map<String, Object> params, Optional<TensorMap> exampleInput) {
    public XGBoostModel {
        requireNonNull(booster, "booster is null");
        requireNonNull(params, "params is null");
        requireNonNull(exampleInput, "exampleInput is null");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** A model without an example input. */
    public XGBoostModel(Booster booster, Map<String, Object> params) {
        this(booster, params, Optional.empty());
    }

    /** This model with {@code example} as its example input. */
    public XGBoostModel withExampleInput(TensorMap example) {
        return new XGBoostModel(booster, params, Optional.of(example));
    }
}
