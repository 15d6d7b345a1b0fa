package dev.cairn.api.pipeline;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apiguardian.api.API;

/**
 * Marks a method (static, or an instance method used through a bound reference {@code obj::method}) as a
 * pipeline step. Its parameters are its inputs (named after the parameters: compile with {@code -parameters});
 * its return value is its output(s).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@API(status = API.Status.STABLE, since = "0.1")
public @interface Step {
    /** The step's name; defaults to the method name. */
    String name() default "";

    /**
     * Tags put on every output version of the step when it is saved (like ZenML's {@code ArtifactConfig(tags=...)} and
     * {@code SaveOptions.withTags}); not exclusive: other versions keep theirs. A cached run of the step, which reuses
     * earlier versions instead of saving new ones, puts the tags on the reused versions too (adding a tag a version has
     * is a no-op), so after any run the step's current outputs carry the tags its code names. Removing a tag from the
     * annotation does not remove it from versions that already have it.
     */
    String[] tags() default {};
}
