package dev.cairn.api.pipeline;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apiguardian.api.API;

/**
 * The artifact name of a step's output (on the method) or of one output of a {@link MultipleOutputs}
 * record (on the component). May contain placeholders: {@code {date}} ({@code 2026_06_15}),
 * {@code {time}} ({@code 14_30_45_123456}) and custom ones filled from {@code substitutions}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.RECORD_COMPONENT})
@API(status = API.Status.STABLE, since = "0.1")
public @interface ArtifactName {
    String value();
}
