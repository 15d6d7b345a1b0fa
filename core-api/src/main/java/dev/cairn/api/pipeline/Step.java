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
}
