package dev.cairn.api.pipeline;

import org.apiguardian.api.API;

/**
 * Adds step calls to a pipeline definition. Each argument is a {@link Ref} (artifact) or a {@link Param}
 * (literal); the call is checked at once (types, parameter values) and returns the call's {@link Outputs}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface StepCalls {
    <R> Outputs<R> call(StepMethod0<R> step);

    <A, R> Outputs<R> call(StepMethod1<A, R> step, Input<? extends A> a);

    <A, B, R> Outputs<R> call(StepMethod2<A, B, R> step, Input<? extends A> a, Input<? extends B> b);

    <A, B, C, R> Outputs<R> call(StepMethod3<A, B, C, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c);

    <A, B, C, D, R> Outputs<R> call(StepMethod4<A, B, C, D, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d);

    <A, B, C, D, E, R> Outputs<R> call(StepMethod5<A, B, C, D, E, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e);

    <A, B, C, D, E, F, R> Outputs<R> call(StepMethod6<A, B, C, D, E, F, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f);

    <A, B, C, D, E, F, G, R> Outputs<R> call(StepMethod7<A, B, C, D, E, F, G, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f, Input<? extends G> g);

    <A, B, C, D, E, F, G, H, R> Outputs<R> call(StepMethod8<A, B, C, D, E, F, G, H, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f, Input<? extends G> g, Input<? extends H> h);
}
